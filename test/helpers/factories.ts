import type mongoose from 'mongoose';
import { categoryOf } from '../../server/responses/response.model.js';
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

/** Responses with the given scores for a survey, submitted at `at` (default now). */
export async function makeResponses(ctx: TestContext, surveyId: mongoose.Types.ObjectId, scores: number[], extra: Record<string, unknown> = {}) {
  const at = new Date();
  return ctx.models.responses.insertMany(
    scores.map((score) => ({ surveyId, score, category: categoryOf(score), channel: 'email', submittedAt: at, ...extra })),
  );
}

/** `count` copies of `score`. */
export function repeat(score: number, count: number): number[] {
  return Array.from({ length: count }, () => score);
}
