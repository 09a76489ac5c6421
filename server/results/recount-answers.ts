/**
 * Recounting the additional questions' answers from the responses (issue 17), as day-counts.ts
 * counts them live: the per-answer documents ("$q:<id>" = each chosen option and "*", or the rating,
 * by score) for breakdowns, and the answer totals (`a`, "q1=o2") on the overall and per-property
 * day documents for the questions' results.
 */
import type mongoose from 'mongoose';

import { isCounted } from '../vocabulary/answers.js';
import { ANSWERED_VALUE } from './day-counts.js';
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

/** Answer totals per overall day document (`withProperty` false) or per property value's (true). */
export function answerTotalsPipeline(
  match: Record<string, unknown>,
  timeZone: string,
  withProperty: boolean,
): mongoose.PipelineStage[] {
  const keep = { surveyId: 1, submittedAt: 1, channel: 1, review: 1 } as Record<string, 1>;
  return [
    { $match: match },
    ...(withProperty
      ? [{ $project: { ...keep, answers: 1, p: { $objectToArray: '$contactSnapshot' } } }, { $unwind: '$p' }]
      : []),
    ...answerValueStages(withProperty ? { ...keep, p: 1 } : keep),
    {
      $group: {
        _id: {
          s: '$surveyId',
          d: dayOf(timeZone),
          ch: '$channel',
          rv: '$review',
          k: '$k',
          v: '$v',
          ...(withProperty ? { pk: '$p.k', pv: '$p.v' } : {}),
        },
        n: { $sum: 1 },
      },
    },
  ];
}

/** Adds streamed answer-total rows to the recounted documents they belong to (ids as aggregates.ts writes them). */
export async function addAnswerTotals(
  docs: readonly RecountedDoc[],
  rows: AsyncIterable<unknown>,
  withProperty: boolean,
): Promise<void> {
  const byId = new Map(docs.map((d) => [d._id, d]));
  for await (const row of rows) {
    const { _id: k, n } = row as {
      _id: { s: unknown; d: string; ch: string; rv: string; k?: unknown; v?: unknown; pk?: unknown; pv?: unknown };
      n: number;
    };
    if (!isCounted(k.rv) || typeof k.k !== 'string' || (typeof k.v !== 'string' && typeof k.v !== 'number')) continue;
    if (withProperty && (typeof k.pk !== 'string' || typeof k.pv !== 'string' || k.pv === '')) continue;
    const id = `${String(k.s)}|${k.d}|${k.ch}` + (withProperty ? `|${k.pk as string}|${k.pv as string}` : '');
    const doc = byId.get(id);
    if (!doc) continue;
    const answers = ((doc as { a?: Record<string, number> }).a ??= {});
    const path = `${k.k}=${String(k.v)}`;
    answers[path] = (answers[path] ?? 0) + n;
  }
}
