/**
 * Recounting the additional questions' answers from the responses (issue 17), as day-counts.ts
 * counts them live: the per-answer documents ("$q:<id>" = each chosen option and "*", or the rating,
 * by score) for breakdowns, and the answer totals (`a`, "q1=o2") on the overall and per-property
 * day documents for the questions' results.
 */
import type mongoose from 'mongoose';

import { dayIn } from '../lib/time-zone.js';
import type { CountedState } from '../responses/counts-port.js';
import { isCounted } from '../vocabulary/answers.js';
import { ANSWERED_VALUE, answerValuesOf, propertiesOf, QUESTION_KEY_PREFIX } from './day-counts.js';
import type { RecountedDoc } from './recount.js';

const dayOf = (timeZone: string) => ({
  $dateToString: { format: '%Y-%m-%d', date: '$submittedAt', timezone: timeZone },
});

/**
 * Stages that turn each response into one row per counted answer value (`k` the question id, `v` an option,
 * "*" or a rating), keeping the fields in `keep`: day-counts.ts answerValuesOf as a pipeline.
 */
export function answerValueStages(keep: Record<string, 1>): mongoose.PipelineStage[] {
  return [
    { $project: { ...keep, a: '$answers' } },
    { $unwind: '$a' },
    {
      $project: {
        ...keep,
        // The question id; callers put QUESTION_KEY_PREFIX before it ($concat is not on every engine).
        k: '$a.q',
        // The chosen options and "*", or the rating (a number: callers make it a string), or nothing
        // for a text answer ($unwind then drops it, and takes a lone value as a one-item array).
        v: { $ifNull: [{ $concatArrays: ['$a.choices', [ANSWERED_VALUE]] }, '$a.rating'] },
      },
    },
    { $unwind: '$v' },
  ];
}

/** The per-answer documents' pipeline: rows by survey, day, channel, score, repurchase, review and answer value. */
export function perAnswerPipeline(match: Record<string, unknown>, timeZone: string): mongoose.PipelineStage[] {
  const key = { s: '$surveyId', d: dayOf(timeZone), ch: '$channel', sc: '$score', r: '$repurchase', rv: '$review' };
  return [
    // No extra condition on answers: $unwind drops responses without any, and the match keeps its index.
    { $match: match },
    ...answerValueStages({ surveyId: 1, submittedAt: 1, channel: 1, score: 1, repurchase: 1, review: 1 }),
    { $group: { _id: { ...key, k: '$k', v: '$v' }, n: { $sum: 1 } } },
  ];
}

/**
 * Adds the answer totals (`a`) to the recounted overall and per-property documents from one stream of
 * the matching responses, folded here with the live counts' own functions (day-counts.ts): a
 * pipeline crossing properties with answers would send millions of rows through the server.
 */
export async function addAnswerTotals(
  docs: readonly RecountedDoc[],
  responses: AsyncIterable<unknown>,
  timeZone: string,
): Promise<void> {
  const byId = new Map(docs.map((d) => [d._id, d as RecountedDoc & { a?: Record<string, number> }]));
  const add = (id: string, paths: readonly string[]) => {
    const doc = byId.get(id);
    if (!doc) return;
    const answers = (doc.a ??= {});
    for (const path of paths) answers[path] = (answers[path] ?? 0) + 1;
  };
  for await (const raw of responses) {
    const r = raw as CountedState;
    if (!isCounted(r.review)) continue;
    const paths = answerValuesOf(r.answers).map(([key, value]) => `${key.slice(QUESTION_KEY_PREFIX.length)}=${value}`);
    if (paths.length === 0) continue;
    const base = `${String(r.surveyId)}|${dayIn(r.submittedAt, timeZone)}|${r.channel}`;
    add(base, paths);
    for (const [key, value] of propertiesOf(r.contactSnapshot)) add(`${base}|${key}|${value}`, paths);
  }
}

/** The fields the answer totals read from each response. */
export const ANSWER_TOTAL_FIELDS = {
  surveyId: 1,
  submittedAt: 1,
  channel: 1,
  review: 1,
  contactSnapshot: 1,
  answers: 1,
} as const;
