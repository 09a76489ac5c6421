import type mongoose from 'mongoose';

import { isCounted } from '../vocabulary/answers.js';
import { cellKey } from './day-counts.js';

type Row = {
  _id: {
    s: mongoose.Types.ObjectId;
    d: string;
    ch: string;
    sc: number;
    r?: string | null;
    rv: string;
    k?: string;
    v?: string | number | null;
  };
  n: number;
};

export type RecountedDoc = Record<string, unknown> & { _id: string; c: Record<string, number>; flagged: number };

/**
 * The aggregation pipelines that recount day documents from the responses matching `match`: per
 * survey, day (in `timeZone`), channel, score, repurchase answer and review state, and the same per
 * contact property value.
 */
export function recountPipelines(
  match: Record<string, unknown>,
  timeZone: string,
): { overall: mongoose.PipelineStage[]; perValue: mongoose.PipelineStage[] } {
  const day = { $dateToString: { format: '%Y-%m-%d', date: '$submittedAt', timezone: timeZone } };
  const key = { s: '$surveyId', d: day, ch: '$channel', sc: '$score', r: '$repurchase', rv: '$review' };
  return {
    overall: [{ $match: match }, { $group: { _id: key, n: { $sum: 1 } } }],
    perValue: [
      { $match: match },
      {
        $project: {
          surveyId: 1,
          submittedAt: 1,
          channel: 1,
          score: 1,
          repurchase: 1,
          review: 1,
          p: { $objectToArray: '$contactSnapshot' },
        },
      },
      { $unwind: '$p' },
      { $group: { _id: { ...key, k: '$p.k', v: '$p.v' }, n: { $sum: 1 } } },
    ],
  };
}

/**
 * Folds the grouped rows into day documents (ids as aggregates.ts writes them); streamed, as the rows
 * can run into millions (days x cells x property values). Also counts the responses seen.
 */
export async function collectDayDocs(
  rows: AsyncIterable<unknown>,
  withProperty: boolean,
  keyPrefix = '',
): Promise<{ docs: RecountedDoc[]; responses: number }> {
  const docs = new Map<string, RecountedDoc>();
  let responses = 0;
  for await (const row of rows) {
    const { _id: k, n } = row as Row;
    responses += n;
    if (typeof k.v === 'number') k.v = String(k.v);
    if (withProperty && (typeof k.v !== 'string' || k.v === '' || typeof k.k !== 'string')) continue;
    if (keyPrefix) k.k = `${keyPrefix}${k.k}`;
    const id = `${String(k.s)}|${k.d}|${k.ch}` + (withProperty ? `|${k.k}|${k.v}` : '');
    let doc = docs.get(id);
    if (!doc) {
      doc = {
        _id: id,
        surveyId: k.s,
        day: k.d,
        channel: k.ch,
        key: withProperty ? k.k : '',
        value: withProperty ? k.v : '',
        c: {},
        flagged: 0,
      };
      docs.set(id, doc);
    }
    if (isCounted(k.rv)) doc.c[cellKey(k.sc, k.r)] = (doc.c[cellKey(k.sc, k.r)] ?? 0) + n;
    else if (k.rv === 'flagged') doc.flagged += n;
  }
  return { docs: [...docs.values()], responses };
}
