import mongoose from 'mongoose';

import type { ContactModel } from '../contacts/contact.model.js';
import type { ResponseModel } from '../responses/response.model.js';
import { COUNTED_REVIEW_STATES, isCounted, type RepurchaseAnswer } from '../vocabulary/answers.js';
import { QUESTION_KEY_PREFIX, type DayCounts } from './day-counts.js';
import type { AnswerCounts } from './question-results.js';
import { answerValueStages } from './recount-answers.js';
import type { ResultsQuery } from './results.schemas.js';
import { addCount, type ScoreCounts } from './segments.js';

type Id = mongoose.Types.ObjectId;
type Range = { start?: Date | undefined; end?: Date | undefined };

/**
 * The few results that need the responses themselves, not the day counts: tag filters (the counts
 * do not carry tags), a segment table under a property filter, and the comments. Reads only.
 */
export class ResponseQueries {
  constructor(
    private readonly deps: {
      responses: ResponseModel;
      contacts: ContactModel;
      timeZone: string;
    },
  ) {}

  /**
   * Filters on responses for a survey, range and the page's other filters. Operator objects are ours,
   * so marked trusted (sanitizeFilter is on globally); user input reaches them only as validated plain
   * strings (the property key is checked by resultsQuerySchema).
   */
  filterOf(
    surveyId: Id,
    range: Range,
    query: Pick<ResultsQuery, 'channel' | 'prop' | 'value' | 'tag'>,
  ): Record<string, unknown> {
    const filter: Record<string, unknown> = { surveyId };
    if (range.start || range.end) {
      filter.submittedAt = mongoose.trusted({
        ...(range.start ? { $gte: range.start } : {}),
        ...(range.end ? { $lt: range.end } : {}),
      });
    }
    if (query.channel) filter.channel = query.channel;
    if (query.prop) filter[`contactSnapshot.${query.prop}`] = query.value;
    if (query.tag) filter.tags = query.tag;
    return filter;
  }

  /**
   * Day counts straight from the responses, for filters the day counts do not cover (tags): one pass,
   * grouped like the aggregates. Slower at scale than the counts; tags are set by hand, so such views
   * are usually small.
   */
  async days(filter: Record<string, unknown>): Promise<DayCounts[]> {
    const rows = await this.deps.responses.aggregate<{
      _id: { d: string; sc: number; r?: RepurchaseAnswer | null; rv: string };
      n: number;
    }>([
      { $match: filter },
      {
        $group: {
          _id: {
            d: { $dateToString: { format: '%Y-%m-%d', date: '$submittedAt', timezone: this.deps.timeZone } },
            sc: '$score',
            r: '$repurchase',
            rv: '$review',
          },
          n: { $sum: 1 },
        },
      },
    ]);
    const byDay = new Map<string, DayCounts>();
    for (const { _id: k, n } of rows) {
      let day = byDay.get(k.d);
      if (!day) byDay.set(k.d, (day = { day: k.d, cells: [], flagged: 0 }));
      if (isCounted(k.rv)) day.cells.push({ score: k.sc, repurchase: k.r ?? null, n });
      else if (k.rv === 'flagged') day.flagged += n;
    }
    return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
  }

  /** Counts per value of `segment` among the responses matching `filter` (one pass). */
  async segmentCounts(filter: Record<string, unknown>, segment: string): Promise<Map<string, ScoreCounts>> {
    const rows = await this.deps.responses.aggregate<{ _id: { v?: string | null; s: number }; n: number }>([
      { $match: { ...filter, review: { $in: [...COUNTED_REVIEW_STATES] } } },
      { $group: { _id: { v: `$contactSnapshot.${segment}`, s: '$score' }, n: { $sum: 1 } } },
    ]);
    const byValue = new Map<string, ScoreCounts>();
    for (const { _id: k, n } of rows) if (k.v) addCount(byValue, k.v, k.s, n);
    return byValue;
  }

  /** Counts by score per answer value of one additional question ("$q:q1") among the responses matching `filter`. */
  async questionSegmentCounts(filter: Record<string, unknown>, key: string): Promise<Map<string, ScoreCounts>> {
    const rows = await this.deps.responses.aggregate<{ _id: { v: string | number | null; s: number }; n: number }>([
      { $match: { ...filter, review: { $in: [...COUNTED_REVIEW_STATES] }, 'answers.0': { $exists: true } } },
      ...answerValueStages({ score: 1 }),
      { $match: { k: key.slice(QUESTION_KEY_PREFIX.length) } },
      { $group: { _id: { v: '$v', s: '$score' }, n: { $sum: 1 } } },
    ]);
    const byValue = new Map<string, ScoreCounts>();
    for (const { _id: k, n } of rows) if (k.v !== null && k.v !== undefined) addCount(byValue, String(k.v), k.s, n);
    return byValue;
  }

  /** Counts per additional question and answer value among the counted responses matching `filter` (one pass). */
  async answerCounts(filter: Record<string, unknown>): Promise<AnswerCounts> {
    const rows = await this.deps.responses.aggregate<{ _id: { k: string; v: string | number | null }; n: number }>([
      { $match: { ...filter, review: { $in: [...COUNTED_REVIEW_STATES] }, 'answers.0': { $exists: true } } },
      ...answerValueStages({}),
      { $group: { _id: { k: '$k', v: '$v' }, n: { $sum: 1 } } },
    ]);
    const out = new Map<string, Map<string, number>>();
    for (const { _id: k, n } of rows) {
      if (k.v === null || k.v === undefined) continue;
      const key = `${QUESTION_KEY_PREFIX}${k.k}`;
      out.set(key, (out.get(key) ?? new Map<string, number>()).set(String(k.v), n));
    }
    return out;
  }

  /**
   * One page of comments, newest first, after the keyset `before` (submitted time and id of the last
   * one shown): no count of every match and no skip, so the cost does not grow with the page number.
   * MongoDB answers it from the { surveyId, submittedAt, _id } index.
   */
  async comments(filter: Record<string, unknown>, options: { before?: { at: Date; id: Id }; limit: number }) {
    const after = options.before
      ? {
          $or: [
            { submittedAt: mongoose.trusted({ $lt: options.before.at }) },
            { submittedAt: options.before.at, _id: mongoose.trusted({ $lt: options.before.id }) },
          ],
        }
      : {};
    const docs = await this.deps.responses
      .find({ ...filter, ...after })
      .sort({ submittedAt: -1, _id: -1 })
      .limit(options.limit)
      .select('surveyId score category repurchase comment answers submittedAt channel contactId tags')
      .lean();
    const contactIds = docs.flatMap((d) => (d.contactId ? [d.contactId] : []));
    const contacts =
      contactIds.length > 0
        ? await this.deps.contacts
            .find({ _id: mongoose.trusted({ $in: contactIds }) })
            .select('name email')
            .lean()
        : [];
    return { docs, names: new Map(contacts.map((c) => [String(c._id), c.name || c.email])) };
  }
}
