import mongoose from 'mongoose';
import type { Models } from '../db/models.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { RepurchaseAnswer } from '../responses/response.model.js';
import type { Cell } from './summary.js';
import { dayIn } from './time-zone.js';

/** What of a response the aggregates count. */
export interface CountedState {
  surveyId: mongoose.Types.ObjectId;
  submittedAt: Date;
  channel: string;
  score: number;
  repurchase?: RepurchaseAnswer | null | undefined;
  review: string;
}

/** One calendar day's counts (all channels asked for, merged). */
export interface DayCounts {
  day: string;
  cells: Cell[];
  flagged: number;
}

const COUNTED = new Set(['none', 'accepted']);

function cellKey(score: number, repurchase: string | null | undefined): string {
  return `${score}|${repurchase ?? ''}`;
}

function parseCellKey(key: string): { score: number; repurchase: RepurchaseAnswer | null } {
  const [score, repurchase] = key.split('|');
  return { score: Number(score), repurchase: (repurchase || null) as RepurchaseAnswer | null };
}

/** Adds one response's counts (sign +1 or -1) to a per-document $inc map. */
function addTo(incs: Map<string, { surveyId: mongoose.Types.ObjectId; day: string; channel: string; inc: Record<string, number> }>, state: CountedState, sign: 1 | -1, timeZone: string) {
  const counted = COUNTED.has(state.review);
  if (!counted && state.review !== 'flagged') return; // discarded: counts nowhere
  const day = dayIn(state.submittedAt, timeZone);
  const id = `${String(state.surveyId)}|${day}|${state.channel}`;
  let entry = incs.get(id);
  if (!entry) incs.set(id, (entry = { surveyId: state.surveyId, day, channel: state.channel, inc: {} }));
  const path = counted ? `c.${cellKey(state.score, state.repurchase)}` : 'flagged';
  entry.inc[path] = (entry.inc[path] ?? 0) + sign;
}

/**
 * Per-survey, per-day counts by score and repurchase answer (response-day.model.ts). Every write of a
 * response reports its state before and after; the difference is applied with $inc, one atomic
 * update per day document, filtered on _id alone (so every engine uses its index). Two writes are
 * not one transaction: if the process dies between the response write and this one, the day is off
 * until `rebuild` (npm run results:rebuild) recomputes it from the responses.
 */
export function createAggregates(deps: { models: Models; timeZone: string }) {
  const { models, timeZone } = deps;

  async function applyChange(before: CountedState | null, after: CountedState | null): Promise<void> {
    const incs = new Map<string, { surveyId: mongoose.Types.ObjectId; day: string; channel: string; inc: Record<string, number> }>();
    if (before) addTo(incs, before, -1, timeZone);
    if (after) addTo(incs, after, 1, timeZone);
    for (const [id, entry] of incs) {
      const inc = Object.fromEntries(Object.entries(entry.inc).filter(([, n]) => n !== 0));
      if (Object.keys(inc).length === 0) continue;
      const update = { $inc: inc, $setOnInsert: { surveyId: entry.surveyId, day: entry.day, channel: entry.channel } };
      try {
        await models.responseDays.updateOne({ _id: id }, update, { upsert: true });
      } catch (err) {
        // Two first responses of a day raced to create its document: the other one exists now.
        if (!isDuplicateKeyError(err)) throw err;
        await models.responseDays.updateOne({ _id: id }, update);
      }
    }
  }

  /**
   * Recomputes the day counts of one survey (or all) from the responses, and the delivered count from
   * the invitations. For repair; run it when quiet.
   */
  async function rebuild(surveyId?: mongoose.Types.ObjectId): Promise<{ days: number; responses: number }> {
    const match = surveyId ? { surveyId } : {};
    const rows = await models.responses.aggregate<{ _id: { s: mongoose.Types.ObjectId; d: string; ch: string; sc: number; r?: string | null; rv: string }; n: number }>([
      { $match: match },
      {
        $group: {
          _id: { s: '$surveyId', d: { $dateToString: { format: '%Y-%m-%d', date: '$submittedAt', timezone: timeZone } }, ch: '$channel', sc: '$score', r: '$repurchase', rv: '$review' },
          n: { $sum: 1 },
        },
      },
    ]);
    const docs = new Map<string, { _id: string; surveyId: mongoose.Types.ObjectId; day: string; channel: string; c: Record<string, number>; flagged: number }>();
    let responses = 0;
    for (const { _id: k, n } of rows) {
      const id = `${String(k.s)}|${k.d}|${k.ch}`;
      let doc = docs.get(id);
      if (!doc) docs.set(id, (doc = { _id: id, surveyId: k.s, day: k.d, channel: k.ch, c: {}, flagged: 0 }));
      if (COUNTED.has(k.rv)) doc.c[cellKey(k.sc, k.r)] = (doc.c[cellKey(k.sc, k.r)] ?? 0) + n;
      else if (k.rv === 'flagged') doc.flagged += n;
      responses += n;
    }
    await models.responseDays.deleteMany(surveyId ? { surveyId } : {});
    const delivered = await models.invitations.aggregate<{ _id: mongoose.Types.ObjectId; n: number }>([
      { $match: { ...match, status: 'sent' } },
      { $group: { _id: '$surveyId', n: { $sum: 1 } } },
    ]);
    if (!surveyId) await models.surveys.updateMany({}, { $set: { deliveredCount: 0 } });
    else await models.surveys.updateOne({ _id: surveyId }, { $set: { deliveredCount: 0 } });
    for (const d of delivered) await models.surveys.updateOne({ _id: d._id }, { $set: { deliveredCount: d.n } });
    const all = [...docs.values()];
    for (let i = 0; i < all.length; i += 1000) await models.responseDays.insertMany(all.slice(i, i + 1000), { ordered: false });
    return { days: all.length, responses };
  }

  /**
   * Rebuilds everything when REPORT_TIME_ZONE changed since the days were counted (days depend on it).
   * Returns true when it rebuilt.
   */
  async function ensureTimeZone(): Promise<boolean> {
    const meta = await models.aggregateMeta.findById('days').lean();
    if (meta?.timeZone === timeZone) return false;
    const hasResponses = (await models.responses.estimatedDocumentCount()) > 0;
    if (hasResponses) await rebuild();
    await models.aggregateMeta.updateOne({ _id: 'days' }, { $set: { timeZone, rebuiltAt: new Date() } }, { upsert: true });
    return hasResponses;
  }

  /** Day counts of a survey between two days (inclusive, either open), for one channel or all. */
  async function daysOf(surveyId: mongoose.Types.ObjectId, range: { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined }): Promise<DayCounts[]> {
    const filter: Record<string, unknown> = { surveyId };
    if (range.fromDay || range.toDay) filter.day = mongoose.trusted({ ...(range.fromDay ? { $gte: range.fromDay } : {}), ...(range.toDay ? { $lte: range.toDay } : {}) });
    if (range.channel) filter.channel = range.channel;
    const docs = await models.responseDays.find(filter).lean();
    const byDay = new Map<string, { cells: Map<string, number>; flagged: number }>();
    for (const doc of docs) {
      let day = byDay.get(doc.day);
      if (!day) byDay.set(doc.day, (day = { cells: new Map(), flagged: 0 }));
      day.flagged += doc.flagged ?? 0;
      for (const [key, n] of Object.entries((doc.c ?? {}) as Record<string, number>)) day.cells.set(key, (day.cells.get(key) ?? 0) + n);
    }
    return [...byDay.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, d]) => ({ day, flagged: d.flagged, cells: [...d.cells.entries()].filter(([, n]) => n > 0).map(([key, n]) => ({ ...parseCellKey(key), n })) }));
  }

  return { applyChange, rebuild, ensureTimeZone, daysOf };
}

export type Aggregates = ReturnType<typeof createAggregates>;
