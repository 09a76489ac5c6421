import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import { responseSummaryOf } from '../responses/response-json.js';
import {
  categoryOf,
  COUNTED_REVIEW_STATES,
  isCounted,
  type NpsCategory,
  type RepurchaseAnswer,
} from '../vocabulary/answers.js';
import { mergeDays, type Aggregates, type DayCounts, type DayDoc } from './aggregates.js';
import { differsSignificantly, npsFigures, type NpsCounts, type NpsFigures } from './nps.js';
import type { ResultsQuery } from './results.schemas.js';
import { share, summarise, type Cell, type Summary } from './summary.js';

export const COMMENTS_PER_PAGE = 20;
const ROLLING_DAYS = 90;

export interface Period {
  /** First and last calendar day, in the reporting time zone; undefined for "all time". */
  fromDay: string | undefined;
  toDay: string | undefined;
  start: Date | undefined;
  /** Exclusive. */
  end: Date | undefined;
}

export type TrendInterval = 'day' | 'week' | 'month' | 'rolling';

export interface TrendPoint {
  key: string;
  from: string;
  to: string;
  figures: NpsFigures;
  few: boolean;
}

export interface SegmentRow {
  value: string;
  figures: NpsFigures;
  /** Differs significantly from everyone else in the view. */
  differs: boolean;
}

export interface RepresentativenessRow {
  value: string;
  invited: number;
  answered: number;
  /** Share among everyone invited (delivered) and among those who answered, in percent. */
  invitedShare: number;
  answeredShare: number;
  responseRate: number;
  /** 'over' or 'under' when this group answered significantly more or less often than the others. */
  skew: 'over' | 'under' | undefined;
}

export interface SurveyResults {
  period: Period;
  summary: Summary;
  /** Responses in the same filters flagged as automated (excluded, waiting for review). */
  flagged: number;
  previous: { period: Period; figures: NpsFigures; change: number | null; significant: boolean } | undefined;
  trend: { interval: TrendInterval; points: TrendPoint[] };
  segments: { property: string; rows: SegmentRow[] } | undefined;
  representativeness:
    { property: string; rows: RepresentativenessRow[]; invited: number; answered: number } | undefined;
  responseRate: { delivered: number; responded: number; rate: number | null };
}

export interface SurveyOverview {
  figures: NpsFigures;
  delivered: number;
  responded: number;
  rate: number | null;
  /** NPS per month over the last 12 months. */
  trend: TrendPoint[];
}

export interface CommentsPage {
  items: {
    id: string;
    score: number;
    category: NpsCategory;
    repurchase: RepurchaseAnswer | undefined;
    comment: string;
    submittedAt: Date;
    channel: string;
    contactId: string | undefined;
    contactName: string | undefined;
    tags: string[];
  }[];
  page: number;
  pages: number;
  total: number;
}

/** The days a range preset covers, ending today in the reporting time zone. */
export function periodOf(query: Pick<ResultsQuery, 'range' | 'from' | 'to'>, now: Date, timeZone: string): Period {
  const today = dayIn(now, timeZone);
  const lengths = { '30d': 30, '90d': 90, '12m': 365 } as const;
  let fromDay: string | undefined;
  let toDay: string | undefined;
  if (query.range === 'custom') {
    fromDay = query.from;
    toDay = query.to;
  } else if (query.range !== 'all') {
    fromDay = addDays(today, 1 - lengths[query.range]);
    toDay = today;
  }
  return {
    fromDay,
    toDay,
    start: fromDay ? startOfDay(fromDay, timeZone) : undefined,
    end: toDay ? startOfDay(addDays(toDay, 1), timeZone) : undefined,
  };
}

/** The period of the same length just before (none for "all time"). */
export function previousPeriodOf(period: Period, timeZone: string): Period | undefined {
  if (!period.fromDay || !period.toDay) return undefined;
  const days = daysBetween(period.fromDay, period.toDay) + 1;
  const fromDay = addDays(period.fromDay, -days);
  const toDay = addDays(period.fromDay, -1);
  return { fromDay, toDay, start: startOfDay(fromDay, timeZone), end: startOfDay(period.fromDay, timeZone) };
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

/** Day for short ranges, week up to about half a year, month beyond. */
export function autoInterval(days: number): Exclude<TrendInterval, 'rolling'> {
  return days <= 31 ? 'day' : days <= 190 ? 'week' : 'month';
}

/** The bucket a day falls in: itself, the Monday of its week, or its month. */
export function bucketOf(
  day: string,
  interval: Exclude<TrendInterval, 'rolling'>,
): { key: string; from: string; to: string } {
  if (interval === 'day') return { key: day, from: day, to: day };
  if (interval === 'week') {
    const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
    const from = addDays(day, -weekday);
    return { key: from, from, to: addDays(from, 6) };
  }
  const from = `${day.slice(0, 7)}-01`;
  const [y, m] = day.split('-').map(Number) as [number, number];
  const to = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  return { key: day.slice(0, 7), from, to };
}

function countsOf(cells: readonly Cell[]): NpsCounts {
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const c of cells) {
    if (c.score >= 9) counts.promoters += c.n;
    else if (c.score >= 7) counts.passives += c.n;
    else counts.detractors += c.n;
  }
  return counts;
}

const inRange = (day: string, from: string | undefined, to: string | undefined) =>
  (!from || day >= from) && (!to || day <= to);

/**
 * The trend: NPS per day, week or month between the first and last day, or a trailing 90-day window
 * ending each week. Buckets without responses are kept (n = 0) so gaps show as gaps.
 */
export function trendOf(
  days: readonly DayCounts[],
  range: { fromDay: string; toDay: string },
  interval: TrendInterval,
): TrendPoint[] {
  const point = (key: string, from: string, to: string, counts: NpsCounts): TrendPoint => {
    const figures = npsFigures(counts);
    return { key, from, to, figures, few: figures.smallSample };
  };
  if (interval === 'rolling') {
    const points: TrendPoint[] = [];
    for (let end = bucketOf(range.fromDay, 'week').to; end <= addDays(range.toDay, 6); end = addDays(end, 7)) {
      const to = end > range.toDay ? range.toDay : end;
      const from = addDays(to, 1 - ROLLING_DAYS);
      points.push(point(to, from, to, countsOf(days.filter((d) => inRange(d.day, from, to)).flatMap((d) => d.cells))));
      if (to === range.toDay) break;
    }
    return points;
  }
  const buckets = new Map<string, { from: string; to: string; cells: Cell[] }>();
  for (let day = range.fromDay; day <= range.toDay; day = addDays(day, 1)) {
    const b = bucketOf(day, interval);
    if (!buckets.has(b.key))
      buckets.set(b.key, {
        from: b.from < range.fromDay ? range.fromDay : b.from,
        to: b.to > range.toDay ? range.toDay : b.to,
        cells: [],
      });
    if (buckets.size > 1000) break; // a day trend over decades would be unreadable anyway
  }
  for (const d of days) {
    const bucket = buckets.get(bucketOf(d.day, interval).key);
    if (bucket && inRange(d.day, range.fromDay, range.toDay)) bucket.cells.push(...d.cells);
  }
  return [...buckets.entries()].map(([key, b]) => point(key, b.from, b.to, countsOf(b.cells)));
}

/**
 * A survey's results under the page's filters. Figures count responses not flagged as automated
 * (or accepted by a manager), exactly as PRODUCT.md defines them. Without a property filter everything
 * comes from the per-day counts (aggregates.ts); with one, from one pass over the matching responses.
 */
export function createResultsService(deps: { models: Models; clock: Clock; timeZone: string; aggregates: Aggregates }) {
  const { models, clock, timeZone, aggregates } = deps;

  function surveyObjectId(surveyId: string): mongoose.Types.ObjectId {
    if (!mongoose.isValidObjectId(surveyId))
      throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
    return new mongoose.Types.ObjectId(surveyId);
  }

  // Operator objects are ours, so marked trusted (sanitizeFilter is on globally); user input reaches
  // these filters only as validated plain strings (the property key is checked by resultsQuerySchema).
  function responseFilter(
    surveyId: mongoose.Types.ObjectId,
    range: { start?: Date | undefined; end?: Date | undefined },
    query: Pick<ResultsQuery, 'channel' | 'prop' | 'value' | 'tag'>,
  ): Record<string, unknown> {
    const filter: Record<string, unknown> = { surveyId };
    if (range.start || range.end)
      filter.submittedAt = mongoose.trusted({
        ...(range.start ? { $gte: range.start } : {}),
        ...(range.end ? { $lt: range.end } : {}),
      });
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
  async function daysFromResponses(filter: Record<string, unknown>): Promise<DayCounts[]> {
    const rows = await models.responses.aggregate<{
      _id: { d: string; sc: number; r?: RepurchaseAnswer | null; rv: string };
      n: number;
    }>([
      { $match: filter },
      {
        $group: {
          _id: {
            d: { $dateToString: { format: '%Y-%m-%d', date: '$submittedAt', timezone: timeZone } },
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

  /** Counts per value of the segment property: from the per-value day counts, or (with a property filter too) one pass over the responses. */
  async function segmentCounts(
    surveyId: mongoose.Types.ObjectId,
    period: Period,
    query: ResultsQuery & { segment: string },
  ): Promise<Map<string, NpsCounts>> {
    const byValue = new Map<string, NpsCounts>();
    const add = (value: string, category: NpsCategory, n: number) => {
      const counts = byValue.get(value) ?? { promoters: 0, passives: 0, detractors: 0 };
      if (category === 'promoter') counts.promoters += n;
      else if (category === 'passive') counts.passives += n;
      else counts.detractors += n;
      byValue.set(value, counts);
    };
    if (!query.prop && !query.tag) {
      const docs = await aggregates.segmentDocsOf(surveyId, query.segment);
      const byDocValue = new Map<string, DayDoc[]>();
      for (const doc of docs) byDocValue.set(doc.value ?? '', [...(byDocValue.get(doc.value ?? '') ?? []), doc]);
      for (const [value, valueDocs] of byDocValue) {
        for (const day of mergeDays(valueDocs, {
          fromDay: period.fromDay,
          toDay: period.toDay,
          channel: query.channel,
        })) {
          for (const cell of day.cells) add(value, categoryOf(cell.score), cell.n);
        }
      }
      return byValue;
    }
    const rows = await models.responses.aggregate<{ _id: { v?: string | null; c: NpsCategory }; n: number }>([
      { $match: { ...responseFilter(surveyId, period, query), review: { $in: [...COUNTED_REVIEW_STATES] } } },
      { $group: { _id: { v: `$contactSnapshot.${query.segment}`, c: '$category' }, n: { $sum: 1 } } },
    ]);
    for (const { _id: k, n } of rows) if (k.v) add(k.v, k.c, n);
    return byValue;
  }

  async function segmentsOf(
    surveyId: mongoose.Types.ObjectId,
    period: Period,
    query: ResultsQuery,
    total: NpsCounts,
  ): Promise<SurveyResults['segments']> {
    if (!query.segment) return undefined;
    const byValue = await segmentCounts(surveyId, period, { ...query, segment: query.segment });
    const segmentRows = [...byValue.entries()].map(([value, counts]) => {
      const rest = {
        promoters: total.promoters - counts.promoters,
        passives: total.passives - counts.passives,
        detractors: total.detractors - counts.detractors,
      };
      const restN = rest.promoters + rest.passives + rest.detractors;
      return { value, figures: npsFigures(counts), differs: restN > 0 && differsSignificantly(counts, rest) };
    });
    segmentRows.sort(
      (a, b) => (b.figures.nps ?? -Infinity) - (a.figures.nps ?? -Infinity) || b.figures.n - a.figures.n,
    );
    return { property: query.segment, rows: segmentRows };
  }

  /**
   * Who answered compared with who was invited, by the value of one contact property: each value's
   * share of the delivered invitations and of the answered ones, and whether the value's response
   * rate differs significantly from everyone else's (two-proportion z-test at 95%). Uses the
   * contacts' current property values for both sides, so the comparison is like with like.
   */
  async function representativeness(
    surveyId: mongoose.Types.ObjectId,
    key: string,
  ): Promise<SurveyResults['representativeness']> {
    const rows = await models.invitations.aggregate<{ _id: { v?: string | null; answered: boolean }; n: number }>([
      { $match: { surveyId, status: 'sent' } },
      {
        $lookup: {
          from: models.contacts.collection.collectionName,
          localField: 'contactId',
          foreignField: '_id',
          as: 'contact',
        },
      },
      { $unwind: { path: '$contact', preserveNullAndEmptyArrays: true } },
      {
        $group: { _id: { v: `$contact.properties.${key}`, answered: { $gt: ['$respondedAt', null] } }, n: { $sum: 1 } },
      },
    ]);
    const byValue = new Map<string, { invited: number; answered: number }>();
    for (const { _id: k, n } of rows) {
      const value = k.v || '(no value)';
      const entry = byValue.get(value) ?? { invited: 0, answered: 0 };
      entry.invited += n;
      if (k.answered) entry.answered += n;
      byValue.set(value, entry);
    }
    const invited = [...byValue.values()].reduce((sum, e) => sum + e.invited, 0);
    const answered = [...byValue.values()].reduce((sum, e) => sum + e.answered, 0);
    if (invited === 0) return { property: key, rows: [], invited, answered };
    const result = [...byValue.entries()].map(([value, e]) => {
      const othersInvited = invited - e.invited;
      const othersAnswered = answered - e.answered;
      let skew: RepresentativenessRow['skew'];
      if (e.invited > 0 && othersInvited > 0) {
        const p1 = e.answered / e.invited;
        const p2 = othersAnswered / othersInvited;
        const pooled = answered / invited;
        const se = Math.sqrt(pooled * (1 - pooled) * (1 / e.invited + 1 / othersInvited));
        if (se > 0 && Math.abs(p1 - p2) / se > 1.96) skew = p1 > p2 ? 'over' : 'under';
      }
      return {
        value,
        invited: e.invited,
        answered: e.answered,
        invitedShare: share(e.invited, invited),
        answeredShare: share(e.answered, answered),
        responseRate: share(e.answered, e.invited),
        skew,
      };
    });
    result.sort((a, b) => b.invited - a.invited);
    return { property: key, rows: result, invited, answered };
  }

  /** Results of one survey under the page's filters, with the previous period, trend and segments. */
  async function surveyResults(surveyId: string, query: ResultsQuery): Promise<SurveyResults> {
    const _id = surveyObjectId(surveyId);
    const today = dayIn(clock.now(), timeZone);
    const period = periodOf(query, clock.now(), timeZone);
    const previousPeriod = previousPeriodOf(period, timeZone);
    const wantRolling = query.interval === 'rolling';
    // One read covers the period, the previous period and the run-up of a rolling window.
    const readFrom = [
      previousPeriod?.fromDay,
      wantRolling && period.fromDay ? addDays(period.fromDay, 1 - ROLLING_DAYS) : undefined,
      period.fromDay,
    ]
      .filter((d): d is string => d !== undefined)
      .sort()[0];
    // The survey's day documents are few (a year is at most 365 per channel): read them once, for the
    // figures without a property filter and for the response rate.
    const [dayDocs, propertyDocs] = await Promise.all([
      aggregates.dayDocsOf(_id),
      query.prop ? aggregates.segmentDocsOf(_id, query.prop, query.value) : undefined,
    ]);
    const days = query.tag
      ? await daysFromResponses(
          responseFilter(_id, { start: readFrom ? startOfDay(readFrom, timeZone) : undefined, end: period.end }, query),
        )
      : mergeDays(propertyDocs ?? dayDocs, { fromDay: readFrom, toDay: period.toDay, channel: query.channel });

    const current = days.filter((d) => inRange(d.day, period.fromDay, period.toDay));
    const summary = summarise(current.flatMap((d) => d.cells));
    const flagged = current.reduce((sum, d) => sum + d.flagged, 0);

    let previous: SurveyResults['previous'];
    if (previousPeriod) {
      const figures = npsFigures(
        countsOf(
          days.filter((d) => inRange(d.day, previousPeriod.fromDay, previousPeriod.toDay)).flatMap((d) => d.cells),
        ),
      );
      const change = summary.figures.nps !== null && figures.nps !== null ? summary.figures.nps - figures.nps : null;
      previous = {
        period: previousPeriod,
        figures,
        change,
        significant: change !== null && differsSignificantly(summary.figures, figures),
      };
    }

    const trendFrom = period.fromDay ?? current[0]?.day ?? today;
    const trendTo = period.toDay ?? today;
    const interval: TrendInterval =
      query.interval === 'auto' ? autoInterval(daysBetween(trendFrom, trendTo) + 1) : query.interval;
    const trend = { interval, points: trendOf(days, { fromDay: trendFrom, toDay: trendTo }, interval) };

    // Response rate (PRODUCT.md): counted email responses / invitations delivered, all time.
    const [segments, surveyDoc, represented] = await Promise.all([
      segmentsOf(_id, period, query, summary.figures),
      models.surveys.findById(_id).select('deliveredCount').lean(),
      query.segment ? representativeness(_id, query.segment) : undefined,
    ]);
    const emailDays = mergeDays(dayDocs, { channel: 'email' });
    const delivered = surveyDoc?.deliveredCount ?? 0;
    const responded = emailDays.reduce((sum, d) => sum + d.cells.reduce((s, c) => s + c.n, 0), 0);
    return {
      period,
      summary,
      flagged,
      previous,
      trend,
      segments,
      representativeness: represented,
      responseRate: { delivered, responded, rate: delivered === 0 ? null : share(responded, delivered) },
    };
  }

  /** The comments of a survey under the same filters, newest first, by category, paged. */
  async function comments(surveyId: string, query: ResultsQuery): Promise<CommentsPage> {
    const _id = surveyObjectId(surveyId);
    const period = periodOf(query, clock.now(), timeZone);
    const filter: Record<string, unknown> = {
      ...responseFilter(_id, period, query),
      review: mongoose.trusted({ $in: [...COUNTED_REVIEW_STATES] }),
      comment: mongoose.trusted({ $nin: ['', null] }),
      ...(query.comments !== 'all' ? { category: query.comments } : {}),
    };
    const total = await models.responses.countDocuments(filter);
    const pages = Math.max(1, Math.ceil(total / COMMENTS_PER_PAGE));
    const page = Math.min(query.page, pages);
    const docs = await models.responses
      .find(filter)
      .sort({ submittedAt: -1, _id: -1 })
      .skip((page - 1) * COMMENTS_PER_PAGE)
      .limit(COMMENTS_PER_PAGE)
      .select('score category repurchase comment submittedAt channel contactId tags')
      .lean();
    const contactIds = docs.flatMap((d) => (d.contactId ? [d.contactId] : []));
    const contacts =
      contactIds.length > 0
        ? await models.contacts
            .find({ _id: mongoose.trusted({ $in: contactIds }) })
            .select('name email')
            .lean()
        : [];
    const names = new Map(contacts.map((c) => [String(c._id), c.name || c.email]));
    return {
      page,
      pages,
      total,
      items: docs.map((d) => ({
        ...responseSummaryOf(d),
        contactId: d.contactId ? String(d.contactId) : undefined,
        contactName: d.contactId ? names.get(String(d.contactId)) : undefined,
        tags: d.tags ?? [],
      })),
    };
  }

  /**
   * The overview line of each survey: NPS over all counted responses with its margin, response rate,
   * and a 12-month trend for a sparkline. One read of the day counts for all listed surveys.
   */
  async function overview(surveyIds: readonly string[]): Promise<Map<string, SurveyOverview>> {
    const ids = surveyIds.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
    const [docs, surveys] = await Promise.all([
      models.responseDays.collection
        .find({ surveyId: { $in: ids } }, { projection: { _id: 0, surveyId: 1, day: 1, channel: 1, c: 1, flagged: 1 } })
        .toArray(),
      models.surveys
        .find({ _id: mongoose.trusted({ $in: ids }) })
        .select('deliveredCount')
        .lean(),
    ]);
    const bySurvey = new Map<string, DayDoc[]>();
    for (const doc of docs)
      bySurvey.set(String(doc.surveyId), [...(bySurvey.get(String(doc.surveyId)) ?? []), doc as unknown as DayDoc]);
    const delivered = new Map(surveys.map((s) => [String(s._id), s.deliveredCount ?? 0]));
    const today = dayIn(clock.now(), timeZone);
    const from = `${addDays(today, -334).slice(0, 7)}-01`;
    const out = new Map<string, SurveyOverview>();
    for (const id of surveyIds) {
      const surveyDocs = bySurvey.get(id) ?? [];
      const all = mergeDays(surveyDocs);
      const figures = npsFigures(countsOf(all.flatMap((d) => d.cells)));
      const responded = mergeDays(surveyDocs, { channel: 'email' }).reduce(
        (sum, d) => sum + d.cells.reduce((t, c) => t + c.n, 0),
        0,
      );
      const sent = delivered.get(id) ?? 0;
      out.set(id, {
        figures,
        delivered: sent,
        responded,
        rate: sent === 0 ? null : share(responded, sent),
        trend: trendOf(all, { fromDay: from, toDay: today }, 'month'),
      });
    }
    return out;
  }

  return { surveyResults, comments, overview };
}

export type ResultsService = ReturnType<typeof createResultsService>;
