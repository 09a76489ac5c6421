import type mongoose from 'mongoose';

import { generateToken, hashToken } from '../../server/lib/tokens.js';
import { categoryOf } from '../../server/vocabulary/answers.js';
import type { TestContext } from './context.js';

/** A survey straight in the database (draft unless told otherwise). */
export async function makeSurvey(ctx: TestContext, fields: Record<string, unknown> = {}) {
  return ctx.models.surveys.create({
    name: 'Customer NPS',
    companyName: 'Acme',
    questions: {
      recommend: 'How likely are you to recommend {company} to a friend or colleague?',
      repurchase: 'Would you buy from {company} again?',
      reason: 'What is the main reason for your score?',
    },
    ...fields,
  });
}

/**
 * Responses with the given scores for a survey, submitted now unless `extra` says otherwise, written
 * straight to the database; the survey's day counts are then rebuilt, as `npm run results:rebuild` does.
 */
export async function makeResponses(
  ctx: TestContext,
  surveyId: mongoose.Types.ObjectId,
  scores: number[],
  extra: Record<string, unknown> = {},
) {
  const at = ctx.clock.now();
  const docs = await ctx.models.responses.insertMany(
    scores.map((score) => ({
      surveyId,
      score,
      category: categoryOf(score),
      channel: 'email',
      submittedAt: at,
      ...extra,
    })),
  );
  await ctx.services.aggregates.rebuild(surveyId);
  return docs;
}

/** `count` copies of `score`. */
export function repeat(score: number, count: number): number[] {
  return Array.from({ length: count }, () => score);
}

export interface InviteOptions {
  locale?: string;
  surveyStatus?: string;
  /** How long before now the email went out (default an hour). */
  sentAgoMs?: number;
  unsubscribed?: boolean;
  /** Add the invitation to this survey instead of a new one. */
  survey?: Awaited<ReturnType<typeof makeSurvey>>;
}

/** A contact (plan Pro, region EU) with a sent invitation to an active survey, and the link token. */
export async function makeInvitation(ctx: TestContext, options: InviteOptions = {}) {
  const survey =
    options.survey ?? (await makeSurvey(ctx, { status: options.surveyStatus ?? 'active', companyName: 'Acme Bikes' }));
  const contact = await ctx.models.contacts.create({
    email: `ana.secret.${generateToken().slice(0, 10).toLowerCase()}@example.com`,
    name: 'Ana Secretname',
    locale: options.locale ?? '',
    properties: { plan: 'Pro', region: 'EU' },
    ...(options.unsubscribed ? { unsubscribedAt: ctx.clock.now() } : {}),
  });
  const token = generateToken();
  const invitation = await ctx.models.invitations.create({
    surveyId: survey._id,
    contactId: contact._id,
    tokenHash: hashToken(token),
    queuedAt: ctx.clock.now(),
    status: 'sent',
    sentAt: new Date(ctx.clock.now().getTime() - (options.sentAgoMs ?? 3_600_000)),
  });
  return { survey, contact, token, invitation };
}
