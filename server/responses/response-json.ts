import type mongoose from 'mongoose';

/** A stored response as integrations see it (API and webhooks): no bot signals, no token, no review internals. */
export function responseJson(r: {
  _id: mongoose.Types.ObjectId;
  surveyId: mongoose.Types.ObjectId;
  contactId?: mongoose.Types.ObjectId | null;
  score: number;
  category: string;
  repurchase?: string | null;
  comment?: string | null;
  channel: string;
  submittedAt: Date;
  updatedAt?: Date | null;
  contactSnapshot?: unknown;
  answers?:
    readonly { q: string; choices?: readonly string[] | null; rating?: number | null; text?: string | null }[] | null;
}) {
  const summary = responseSummaryOf(r);
  return {
    ...summary,
    surveyId: String(r.surveyId),
    contactId: r.contactId ? String(r.contactId) : null,
    // JSON says "no answer" with null, not by leaving the field out.
    repurchase: summary.repurchase ?? null,
    updatedAt: r.updatedAt ?? r.submittedAt,
    // The additional questions' answers by question id (the survey's `questions` name them).
    answers: (r.answers ?? []).map((a) => ({
      question: a.q,
      ...(a.choices && a.choices.length > 0 ? { choices: [...a.choices] } : {}),
      ...(typeof a.rating === 'number' ? { rating: a.rating } : {}),
      ...(typeof a.text === 'string' ? { text: a.text } : {}),
    })),
    properties: (r.contactSnapshot instanceof Map
      ? Object.fromEntries(r.contactSnapshot as Map<string, string>)
      : (r.contactSnapshot ?? {})) as Record<string, string>,
  };
}

/** The fields every list of answers on a page shows (comments tab, review queue); the caller adds its own. */
export function responseSummaryOf<C extends string, R extends string>(d: {
  _id: unknown;
  score: number;
  category: C;
  repurchase?: R | null;
  comment?: string | null;
  channel: string;
  submittedAt: Date;
}) {
  return {
    id: String(d._id),
    score: d.score,
    category: d.category,
    repurchase: d.repurchase ?? undefined,
    comment: d.comment ?? '',
    channel: d.channel,
    submittedAt: d.submittedAt,
  };
}
