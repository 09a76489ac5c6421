import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import { isCounted, type RepurchaseAnswer } from '../vocabulary/answers.js';
import type { Cell } from './summary.js';

/** What of a response the aggregates count. */
export interface CountedState {
  surveyId: mongoose.Types.ObjectId;
  submittedAt: Date;
  channel: string;
  score: number;
  repurchase?: RepurchaseAnswer | null | undefined;
  review: string;
  /** The contact's properties when they answered (a Map from Mongoose documents, an object from lean reads). */
  contactSnapshot?: Map<string, string> | Record<string, string> | null | undefined;
}

/** One calendar day's counts (all channels asked for, merged). */
export interface DayCounts {
  day: string;
  cells: Cell[];
  flagged: number;
}

/** A stored day document, as read for merging. */
export interface DayDoc {
  day: string;
  channel: string;
  value?: string;
  c?: Record<string, number>;
  flagged?: number;
}

function cellKey(score: number, repurchase: string | null | undefined): string {
  return `${score}|${repurchase ?? ''}`;
}

function parseCellKey(key: string): { score: number; repurchase: RepurchaseAnswer | null } {
  const [score, repurchase] = key.split('|');
  return { score: Number(score), repurchase: (repurchase || null) as RepurchaseAnswer | null };
}

function propertiesOf(snapshot: CountedState['contactSnapshot']): [string, string][] {
  if (!snapshot) return [];
  const entries = snapshot instanceof Map ? [...snapshot.entries()] : Object.entries(snapshot);
  return entries.filter(([, v]) => typeof v === 'string' && v !== '');
}

/** Day documents merged per day, for a range of days and one channel or all. Pure. */
export function mergeDays(
  docs: readonly DayDoc[],
  range: { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined } = {},
): DayCounts[] {
  const byDay = new Map<string, { cells: Map<string, number>; flagged: number }>();
  for (const doc of docs) {
    if (
      (range.fromDay && doc.day < range.fromDay) ||
      (range.toDay && doc.day > range.toDay) ||
      (range.channel && doc.channel !== range.channel)
    )
      continue;
    let day = byDay.get(doc.day);
    if (!day) byDay.set(doc.day, (day = { cells: new Map(), flagged: 0 }));
    day.flagged += doc.flagged ?? 0;
    for (const [key, n] of Object.entries(doc.c ?? {})) day.cells.set(key, (day.cells.get(key) ?? 0) + n);
  }
  return [...byDay.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([day, d]) => ({
      day,
      flagged: d.flagged,
      cells: [...d.cells.entries()].filter(([, n]) => n > 0).map(([key, n]) => ({ ...parseCellKey(key), n })),
    }));
}

interface Increment {
  model: 'responseDays' | 'responseSegmentDays';
  set: Record<string, unknown>;
  inc: Record<string, number>;
}

/**
 * Per-survey, per-day counts by score and repurchase answer (response-day.model.ts), overall and per
 * contact property value. Every write of a response reports its state before and after; the
 * difference is applied with $inc, one atomic update per document, filtered on _id alone (so every
 * engine uses its index). Two writes are not one transaction: each response write adds 1 to the
 * response's `countsPending`, taken back once its counts are applied; if the database or the process
 * fails in between, it stays above 0 and `repairPending` (run by the workers) recounts those days.
 * `rebuild` (npm run results:rebuild) recomputes everything from the responses.
 */
export function createAggregates(deps: { models: Models; timeZone: string }) {
  const { models, timeZone } = deps;

  /** Adds one response's counts (sign +1 or -1) to the per-document $inc map. */
  function addTo(incs: Map<string, Increment>, state: CountedState, sign: 1 | -1) {
    const counted = isCounted(state.review);
    if (!counted && state.review !== 'flagged') return; // discarded: counts nowhere
    const day = dayIn(state.submittedAt, timeZone);
    const path = counted ? `c.${cellKey(state.score, state.repurchase)}` : 'flagged';
    const add = (id: string, model: Increment['model'], set: Record<string, unknown>) => {
      let entry = incs.get(id);
      if (!entry) incs.set(id, (entry = { model, set, inc: {} }));
      entry.inc[path] = (entry.inc[path] ?? 0) + sign;
    };
    const base = `${String(state.surveyId)}|${day}|${state.channel}`;
    add(base, 'responseDays', { surveyId: state.surveyId, day, channel: state.channel });
    for (const [key, value] of propertiesOf(state.contactSnapshot)) {
      add(`${base}|${key}|${value}`, 'responseSegmentDays', {
        surveyId: state.surveyId,
        day,
        channel: state.channel,
        key,
        value,
      });
    }
  }

  async function applyChange(before: CountedState | null, after: CountedState | null): Promise<void> {
    const incs = new Map<string, Increment>();
    if (before) addTo(incs, before, -1);
    if (after) addTo(incs, after, 1);
    await Promise.all(
      [...incs.entries()].map(async ([id, entry]) => {
        const inc = Object.fromEntries(Object.entries(entry.inc).filter(([, n]) => n !== 0));
        if (Object.keys(inc).length === 0) return;
        const model = models[entry.model] as unknown as mongoose.Model<{ _id: string }>;
        const update = { $inc: inc, $setOnInsert: entry.set };
        try {
          await model.updateOne({ _id: id }, update, { upsert: true });
        } catch (err) {
          // Two first responses of a day raced to create its document: the other one exists now.
          if (!isDuplicateKeyError(err)) throw err;
          await model.updateOne({ _id: id }, update);
        }
      }),
    );
  }

  /**
   * Recomputes the day counts of one survey (or all) from the responses, and the delivered count from
   * the invitations. For repair; run it when quiet.
   */
  async function rebuild(
    surveyId?: mongoose.Types.ObjectId,
    days?: { fromDay: string; toDay: string },
  ): Promise<{ days: number; segmentDays: number; responses: number }> {
    const match: Record<string, unknown> = surveyId ? { surveyId } : {};
    if (days)
      match.submittedAt = mongoose.trusted({
        $gte: startOfDay(days.fromDay, timeZone),
        $lt: startOfDay(addDays(days.toDay, 1), timeZone),
      });
    const day = { $dateToString: { format: '%Y-%m-%d', date: '$submittedAt', timezone: timeZone } };
    type Row = {
      _id: {
        s: mongoose.Types.ObjectId;
        d: string;
        ch: string;
        sc: number;
        r?: string | null;
        rv: string;
        k?: string;
        v?: string;
      };
      n: number;
    };
    // Streamed with cursors: the grouped rows can run into millions (days x cells x property values).
    const collect = async (pipeline: mongoose.PipelineStage[], withProperty: boolean) => {
      const docs = new Map<string, Record<string, unknown> & { c: Record<string, number>; flagged: number }>();
      let responses = 0;
      for await (const row of models.responses.aggregate<Row>(pipeline).cursor({ batchSize: 5000 })) {
        const { _id: k, n } = row as Row;
        responses += n;
        if (withProperty && (typeof k.v !== 'string' || k.v === '')) continue;
        const id = `${String(k.s)}|${k.d}|${k.ch}` + (withProperty ? `|${k.k}|${k.v}` : '');
        let doc = docs.get(id);
        if (!doc)
          docs.set(
            id,
            (doc = {
              _id: id,
              surveyId: k.s,
              day: k.d,
              channel: k.ch,
              ...(withProperty ? { key: k.k, value: k.v } : {}),
              c: {},
              flagged: 0,
            }),
          );
        if (isCounted(k.rv)) doc.c[cellKey(k.sc, k.r)] = (doc.c[cellKey(k.sc, k.r)] ?? 0) + n;
        else if (k.rv === 'flagged') doc.flagged += n;
      }
      return { docs: [...docs.values()], responses };
    };
    const [overall, perValue, delivered] = await Promise.all([
      collect(
        [
          { $match: match },
          {
            $group: {
              _id: { s: '$surveyId', d: day, ch: '$channel', sc: '$score', r: '$repurchase', rv: '$review' },
              n: { $sum: 1 },
            },
          },
        ],
        false,
      ),
      collect(
        [
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
          {
            $group: {
              _id: {
                s: '$surveyId',
                d: day,
                ch: '$channel',
                sc: '$score',
                r: '$repurchase',
                rv: '$review',
                k: '$p.k',
                v: '$p.v',
              },
              n: { $sum: 1 },
            },
          },
        ],
        true,
      ),
      days
        ? []
        : models.invitations.aggregate<{ _id: mongoose.Types.ObjectId; n: number }>([
            { $match: { ...match, status: 'sent' } },
            { $group: { _id: '$surveyId', n: { $sum: 1 } } },
          ]),
    ]);
    const dayDocs = overall.docs;
    const segmentDays = perValue.docs;
    const filter: Record<string, unknown> = surveyId ? { surveyId } : {};
    if (days) filter.day = mongoose.trusted({ $gte: days.fromDay, $lte: days.toDay });
    await Promise.all([models.responseDays.deleteMany(filter), models.responseSegmentDays.deleteMany(filter)]);
    for (let i = 0; i < dayDocs.length; i += 1000)
      await models.responseDays.collection.insertMany(dayDocs.slice(i, i + 1000), { ordered: false });
    for (let i = 0; i < segmentDays.length; i += 1000)
      await models.responseSegmentDays.collection.insertMany(segmentDays.slice(i, i + 1000), { ordered: false });
    if (days) return { days: dayDocs.length, segmentDays: segmentDays.length, responses: overall.responses };
    if (!surveyId) await models.surveys.updateMany({}, { $set: { deliveredCount: 0 } });
    else await models.surveys.updateOne({ _id: surveyId }, { $set: { deliveredCount: 0 } });
    for (const d of delivered) await models.surveys.updateOne({ _id: d._id }, { $set: { deliveredCount: d.n } });
    return { days: dayDocs.length, segmentDays: segmentDays.length, responses: overall.responses };
  }

  /**
   * Applies a response write's change to the counts, then takes back the +1 that write added to the
   * response's `countsPending` counter (in the same update as the response itself). If the process or
   * the database fails in between, the counter stays above 0 and `repairPending` recounts the days.
   * A counter, not a flag: concurrent writes each settle their own +1, with an update filtered on
   * `_id` alone.
   */
  async function applyAndSettle(
    responseId: mongoose.Types.ObjectId,
    before: CountedState | null,
    after: CountedState | null,
  ): Promise<void> {
    await applyChange(before, after);
    // Not awaited: a decrement that fails only costs a recount later.
    void models.responses.collection
      .updateOne({ _id: responseId }, { $inc: { countsPending: -1 } })
      .catch(() => undefined);
  }

  /**
   * Self-repair after a failure between a response write and its count update (a database outage, a
   * killed process): recounts the days of responses still pending after `quietMs`, survey by
   * survey, and only for surveys with no response written in the last `quietMs` (so no live $inc can
   * interleave with the recount). Writes that land during the recount are marked again and repaired
   * on a later run. Returns the number of survey-day ranges recounted.
   */
  async function repairPending(options: { now: Date; quietMs: number }): Promise<number> {
    const cutoff = new Date(options.now.getTime() - options.quietMs);
    const pending = await models.responses.collection
      .find(
        { countsPending: { $gt: 0 }, countsPendingAt: { $lte: cutoff } },
        { projection: { surveyId: 1, submittedAt: 1, countsPendingFrom: 1 } },
      )
      .limit(5000)
      .toArray();
    const bySurvey = new Map<
      string,
      { surveyId: mongoose.Types.ObjectId; from: Date; to: Date; ids: mongoose.Types.ObjectId[] }
    >();
    for (const r of pending) {
      const from =
        r.countsPendingFrom instanceof Date && r.countsPendingFrom < r.submittedAt
          ? r.countsPendingFrom
          : (r.submittedAt as Date);
      const entry = bySurvey.get(String(r.surveyId));
      if (!entry)
        bySurvey.set(String(r.surveyId), {
          surveyId: r.surveyId as mongoose.Types.ObjectId,
          from,
          to: r.submittedAt as Date,
          ids: [r._id],
        });
      else {
        if (from < entry.from) entry.from = from;
        if (r.submittedAt > entry.to) entry.to = r.submittedAt as Date;
        entry.ids.push(r._id);
      }
    }
    let repaired = 0;
    for (const { surveyId, from, to, ids } of bySurvey.values()) {
      const busy = await models.responses.collection.findOne(
        { surveyId, updatedAt: { $gt: cutoff } },
        { projection: { _id: 1 } },
      );
      if (busy) continue;
      const started = new Date();
      await rebuild(surveyId, { fromDay: dayIn(from, timeZone), toDay: dayIn(to, timeZone) });
      await models.responses.collection.updateMany({ _id: { $in: ids } }, { $set: { countsPending: 0 } });
      // Anything written meanwhile may have raced the recount: mark it for the next run.
      const raced = await models.responses.collection
        .find({ surveyId, updatedAt: { $gte: started } }, { projection: { firstSubmittedAt: 1, submittedAt: 1 } })
        .toArray();
      for (const r of raced)
        await models.responses.collection.updateOne(
          { _id: r._id },
          {
            $inc: { countsPending: 1 },
            $set: { countsPendingAt: options.now, countsPendingFrom: r.firstSubmittedAt ?? r.submittedAt },
          },
        );
      repaired++;
    }
    return repaired;
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
    await models.aggregateMeta.updateOne(
      { _id: 'days' },
      { $set: { timeZone, rebuiltAt: new Date() } },
      { upsert: true },
    );
    return hasResponses;
  }

  /** The survey's day documents, straight from the driver (no document hydration). */
  async function dayDocsOf(surveyId: mongoose.Types.ObjectId): Promise<DayDoc[]> {
    const docs = await models.responseDays.collection
      .find({ surveyId }, { projection: { _id: 0, day: 1, channel: 1, c: 1, flagged: 1 } })
      .toArray();
    return docs as unknown as DayDoc[];
  }

  /** The survey's per-value day documents for one property (and one value, if given). */
  async function segmentDocsOf(surveyId: mongoose.Types.ObjectId, key: string, value?: string): Promise<DayDoc[]> {
    const filter: Record<string, unknown> = { surveyId, key };
    if (value !== undefined) filter.value = value;
    const docs = await models.responseSegmentDays.collection
      .find(filter, { projection: { _id: 0, day: 1, channel: 1, value: 1, c: 1, flagged: 1 } })
      .toArray();
    return docs as unknown as DayDoc[];
  }

  /** Property names the survey's answers carry (from the per-value counts). */
  async function propertyKeysOf(surveyId: mongoose.Types.ObjectId): Promise<string[]> {
    const keys = (await models.responseSegmentDays.collection.distinct('key', { surveyId })) as string[];
    return keys.sort((a, b) => a.localeCompare(b));
  }

  async function daysOf(
    surveyId: mongoose.Types.ObjectId,
    range: { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined } = {},
  ): Promise<DayCounts[]> {
    return mergeDays(await dayDocsOf(surveyId), range);
  }

  return {
    applyChange,
    applyAndSettle,
    repairPending,
    rebuild,
    ensureTimeZone,
    dayDocsOf,
    segmentDocsOf,
    propertyKeysOf,
    daysOf,
  };
}

export type Aggregates = ReturnType<typeof createAggregates>;
