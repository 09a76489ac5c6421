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
}) {
  return {
    id: String(r._id),
    surveyId: String(r.surveyId),
    contactId: r.contactId ? String(r.contactId) : null,
    score: r.score,
    category: r.category,
    repurchase: r.repurchase ?? null,
    comment: r.comment ?? '',
    channel: r.channel,
    submittedAt: r.submittedAt,
    updatedAt: r.updatedAt ?? r.submittedAt,
    properties: (r.contactSnapshot instanceof Map ? Object.fromEntries(r.contactSnapshot as Map<string, string>) : (r.contactSnapshot ?? {})) as Record<string, string>,
  };
}
