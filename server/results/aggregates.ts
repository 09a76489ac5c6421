import mongoose from 'mongoose';

import { addDays, startOfDay } from '../lib/time-zone.js';
import { upsertAll } from '../lib/upsert-all.js';
import type { CountedState, CountsPort } from '../responses/counts-port.js';
import type { ResponseModel } from '../responses/response.model.js';
import type { InvitationModel } from '../sending/invitation.model.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import {
  DAY_DOC_FIELDS,
  incrementsOf,
  isQuestionKey,
  mergeDays,
  QUESTION_KEY_PREFIX,
  type DayCounts,
  type DayDoc,
} from './day-counts.js';
import type { DeliveredValueStore } from './delivered-values.store.js';
import { addAnswerTotals, ANSWER_TOTAL_FIELDS, perAnswerPipeline } from './recount-answers.js';
import { collectDayDocs, recountPipelines, type RecountedDoc } from './recount.js';
import { DAY_LAYOUT, type AggregateMetaModel, type ResponseDayModel } from './response-day.model.js';

type Id = mongoose.Types.ObjectId;
type DayRange = { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined };

export interface DayCountDeps {
  days: ResponseDayModel;
  meta: AggregateMetaModel;
  /** Read only: the counts are recounted from them. */
  responses: ResponseModel;
  invitations: InvitationModel;
  surveys: SurveyStore;
  /** Rebuilt with the day counts: the per-value delivered counts. */
  deliveredValues: DeliveredValueStore;
  timeZone: string;
}

/**
 * Per-survey, per-day counts by score and repurchase answer (response-day.model.ts), overall and per
 * contact property value: the one writer of responseDays and aggregateMeta.
 * Every response write reports its state before and after (the responses domain's CountsPort); the
 * difference is applied with $inc, one atomic update per document, filtered on _id alone (so every
 * engine uses its index). `rebuild` (npm run results:rebuild) recomputes everything from the responses.
 */
export class DayCountStore implements CountsPort {
  constructor(private readonly deps: DayCountDeps) {}

  /**
   * Moves the counts by the difference between two states of a response: one bulk write (the day
   * and every property value together), however many properties the contact has. Two first answers
   * of a day can race to create its document; the loser's upserts that hit the duplicate key are
   * applied again as plain updates (the document exists now).
   */
  async applyChange(before: CountedState | null, after: CountedState | null): Promise<void> {
    const ops = [...incrementsOf(before, after, this.deps.timeZone)].map(([id, entry]) => ({
      id,
      update: { $inc: entry.inc, $setOnInsert: entry.set },
    }));
    if (ops.length > 0) await upsertAll(this.deps.days.collection, ops);
  }

  async forgetEmptyValues(surveyId: Id, values: ReadonlyArray<readonly [string, string]>): Promise<void> {
    for (const [key, value] of values) {
      const docs = await this.deps.days.collection
        .find({ surveyId, key, value }, { projection: { c: 1, flagged: 1 } })
        .toArray();
      for (const doc of docs as unknown as Array<{ _id: string; c?: Record<string, number>; flagged?: number }>) {
        const cells = Object.entries(doc.c ?? {});
        if ((doc.flagged ?? 0) !== 0 || cells.some(([, n]) => n !== 0)) continue;
        // Deleted only if every cell is still 0 (an answer counted meanwhile keeps the document).
        await this.deps.days.collection.deleteOne({
          _id: doc._id,
          flagged: { $in: [0, null] },
          ...Object.fromEntries(cells.map(([cell]) => [`c.${cell}`, 0])),
        } as never);
      }
    }
  }

  /**
   * Recomputes the day counts of one survey (or all, or some days of one) from the responses, and the
   * delivered counts (overall and per property value) from the invitations. For repair; run it when quiet.
   */
  async rebuild(
    surveyId?: Id,
    days?: { fromDay: string; toDay: string },
  ): Promise<{ days: number; segmentDays: number; responses: number }> {
    const { timeZone } = this.deps;
    const match: Record<string, unknown> = surveyId ? { surveyId } : {};
    if (days)
      match.submittedAt = mongoose.trusted({
        $gte: startOfDay(days.fromDay, timeZone),
        $lt: startOfDay(addDays(days.toDay, 1), timeZone),
      });
    const pipelines = recountPipelines(match, timeZone);
    const stream = (pipeline: mongoose.PipelineStage[]) =>
      this.deps.responses.aggregate(pipeline).cursor({ batchSize: 5000 });
    const [overall, perValue, perAnswer, delivered] = await Promise.all([
      collectDayDocs(stream(pipelines.overall), false),
      collectDayDocs(stream(pipelines.perValue), true),
      collectDayDocs(stream(perAnswerPipeline(match, timeZone)), true, QUESTION_KEY_PREFIX),
      days ? [] : this.deliveredCounts(match),
    ]);
    // After the grouped reads, not beside them: one plain pass over the same responses.
    await addAnswerTotals(
      [...overall.docs, ...perValue.docs],
      this.deps.responses.collection.find(match, { projection: ANSWER_TOTAL_FIELDS, batchSize: 5000 }),
      timeZone,
    );
    const filter: Record<string, unknown> = surveyId ? { surveyId } : {};
    if (days) filter.day = mongoose.trusted({ $gte: days.fromDay, $lte: days.toDay });
    await this.deps.days.deleteMany(filter);
    await insertInBatches(this.deps.days, [...overall.docs, ...perValue.docs, ...perAnswer.docs]);
    if (!days) {
      await this.deps.surveys.setDeliveredCounts(delivered, surveyId);
      await this.deps.deliveredValues.rebuild(surveyId);
    }
    return {
      days: overall.docs.length,
      segmentDays: perValue.docs.length + perAnswer.docs.length,
      responses: overall.responses,
    };
  }

  /**
   * Rebuilds everything when REPORT_TIME_ZONE changed since the days were counted (days depend on it),
   * or the days were stored in an older layout (before DAY_LAYOUT 2 the per-value days had a
   * collection of their own, which goes). Returns true when it rebuilt.
   */
  async ensureTimeZone(): Promise<boolean> {
    const { meta, responses, timeZone } = this.deps;
    const stored = await meta.findById('days').lean();
    if (stored?.timeZone === timeZone && (stored.layout ?? 1) === DAY_LAYOUT) return false;
    const hasData =
      (await responses.estimatedDocumentCount()) > 0 || (await this.deps.invitations.estimatedDocumentCount()) > 0;
    if (hasData) await this.rebuild();
    try {
      await this.deps.days.db.dropCollection('responsesegmentdays');
    } catch (err) {
      if (!isNamespaceMissing(err)) throw err;
    }
    await this.markRebuilt();
    return hasData;
  }

  /** Records that every day was counted in the configured time zone (after a full rebuild). */
  async markRebuilt(): Promise<void> {
    await this.deps.meta.updateOne(
      { _id: 'days' },
      { $set: { timeZone: this.deps.timeZone, layout: DAY_LAYOUT, rebuiltAt: new Date() } },
      { upsert: true },
    );
  }

  /** The survey's day documents, straight from the driver (no document hydration). */
  async dayDocsOf(surveyId: Id): Promise<DayDoc[]> {
    const docs = await this.deps.days.collection.find({ surveyId, key: '' }, { projection: DAY_DOC_FIELDS }).toArray();
    return docs as unknown as DayDoc[];
  }

  /** Several surveys' day documents in one read (the overview). */
  async dayDocsOfSurveys(surveyIds: readonly Id[]): Promise<(DayDoc & { surveyId: Id })[]> {
    const docs = await this.deps.days.collection
      .find(
        { surveyId: { $in: [...surveyIds] }, key: '' },
        { projection: { _id: 0, surveyId: 1, day: 1, channel: 1, c: 1, flagged: 1 } },
      )
      .toArray();
    return docs as unknown as (DayDoc & { surveyId: Id })[];
  }

  /** The survey's per-value day documents for one property (and one value, if given). */
  async segmentDocsOf(surveyId: Id, key: string, value?: string): Promise<DayDoc[]> {
    const filter: Record<string, unknown> = { surveyId, key };
    if (value !== undefined) filter.value = value;
    const docs = await this.deps.days.collection
      .find(filter, { projection: { _id: 0, day: 1, channel: 1, value: 1, c: 1, flagged: 1 } })
      .toArray();
    return docs as unknown as DayDoc[];
  }

  /** Property names the survey's answers carry (from the per-value counts). */
  async propertyKeysOf(surveyId: Id): Promise<string[]> {
    const keys = (await this.deps.days.collection.distinct('key', { surveyId })) as string[];
    return keys
      .filter((k) => typeof k === 'string' && k !== '' && !isQuestionKey(k))
      .sort((a, b) => a.localeCompare(b));
  }

  async daysOf(surveyId: Id, range: DayRange = {}): Promise<DayCounts[]> {
    return mergeDays(await this.dayDocsOf(surveyId), range);
  }

  private async deliveredCounts(match: Record<string, unknown>): Promise<{ id: Id; n: number }[]> {
    const rows = await this.deps.invitations.aggregate<{ _id: Id; n: number }>([
      { $match: { ...match, status: 'sent' } },
      { $group: { _id: '$surveyId', n: { $sum: 1 } } },
    ]);
    return rows.map((r) => ({ id: r._id, n: r.n }));
  }
}

async function insertInBatches(
  model: { collection: mongoose.mongo.Collection },
  docs: readonly RecountedDoc[],
): Promise<void> {
  for (let i = 0; i < docs.length; i += 1000) {
    await model.collection.insertMany(
      docs.slice(i, i + 1000) as unknown as mongoose.mongo.OptionalId<mongoose.mongo.Document>[],
      { ordered: false },
    );
  }
}

/** "ns not found": the collection was never there (MongoDB 7+ no longer reports it for a drop). */
function isNamespaceMissing(err: unknown): boolean {
  return (err as { code?: number }).code === 26 || /ns not found/i.test(String((err as Error).message));
}
