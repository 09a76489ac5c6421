import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { COUNTED_REVIEW_STATES, type NpsCategory } from '../vocabulary/answers.js';
import type { DayCountStore } from './aggregates.js';
import { mergeDays, type DayDoc } from './day-counts.js';
import { periodOf, previousPeriodOf, type Period } from './periods.js';
import type { ResponseQueries } from './response-queries.js';
import type { ResultsQuery } from './results.schemas.js';
import { share } from './summary.js';
import { firstDayToRead, periodFigures, type PeriodFigures } from './survey-figures.js';

type Id = mongoose.Types.ObjectId;

/** Invitations delivered in a time range and how many of them were answered (sending/invitation-reads.ts). */
export type DeliveredIn = (
  surveyIds: readonly Id[],
  start: Date,
  end: Date,
) => Promise<{ delivered: number; responded: number }>;

export interface OverallFigures extends PeriodFigures {
  period: Period;
  /** The surveys the figures include, by name. */
  surveys: { id: string; name: string }[];
  /** Of the invitations delivered in the period, the share answered so far. */
  responseRate: { delivered: number; responded: number; rate: number | null };
}

export interface NewestComment {
  id: string;
  surveyId: string;
  score: number;
  category: NpsCategory;
  comment: string;
  submittedAt: Date;
}

/**
 * Figures over one survey or several together, for email reports and the home dashboard: the counted
 * responses of every included survey pooled, with the same arithmetic as the results page (its
 * figures for one survey are these with that survey alone). From the day counts, like the page.
 */
export class OverallResults {
  constructor(
    private readonly deps: {
      counts: DayCountStore;
      queries: ResponseQueries;
      surveys: SurveyStore;
      deliveredIn: DeliveredIn;
      clock: Clock;
      timeZone: string;
    },
  ) {}

  /** The ids and names of the surveys asked for: one, or every survey ("all"). */
  async surveysOf(which: string | null | undefined): Promise<{ id: Id; name: string }[]> {
    if (which) {
      if (!mongoose.isValidObjectId(which)) return [];
      const found = await this.deps.surveys.byIds([new mongoose.Types.ObjectId(which)]);
      return found.map((s) => ({ id: s._id, name: s.name }));
    }
    return (await this.deps.surveys.list()).map((s) => ({ id: s._id, name: s.name }));
  }

  /** The figures; `withRate: false` skips the response rate's two counts (a trend needs none). */
  async figures(
    surveys: readonly { id: Id; name: string }[],
    query: ResultsQuery,
    options: { withRate?: boolean } = {},
  ): Promise<OverallFigures> {
    const { queries, clock, timeZone } = this.deps;
    const ids = surveys.map((s) => s.id);
    const now = clock.now();
    const period = periodOf(query, now, timeZone);
    const previous = previousPeriodOf(period, timeZone);
    const readFrom = firstDayToRead(period, previous, query.interval);
    const days = query.tag
      ? await queries.days(
          queries.filterOf(
            mongoose.trusted({ $in: ids }) as unknown as Id,
            { start: readFrom ? startOfDay(readFrom, timeZone) : undefined, end: period.end },
            query,
          ),
        )
      : mergeDays(await this.dayDocs(ids, query), { fromDay: readFrom, toDay: period.toDay, channel: query.channel });
    const figures = periodFigures(days, { period, previous, interval: query.interval, today: dayIn(now, timeZone) });
    const start = period.fromDay ? startOfDay(period.fromDay, timeZone) : new Date(0);
    const end = period.end ?? now;
    return {
      period,
      ...figures,
      surveys: surveys.map((s) => ({ id: String(s.id), name: s.name })),
      responseRate:
        options.withRate === false
          ? { delivered: 0, responded: 0, rate: null }
          : await this.responseRate(ids, start, end),
    };
  }

  /** The surveys' day documents: overall, or one property value's when the view filters by it. */
  private async dayDocs(ids: readonly Id[], query: ResultsQuery): Promise<DayDoc[]> {
    const { prop, value } = query;
    if (!prop) return this.deps.counts.dayDocsOfSurveys(ids);
    return (await Promise.all(ids.map((id) => this.deps.counts.segmentDocsOf(id, prop, value)))).flat();
  }

  /** Of the invitations delivered in [start, end), how many were answered, and the rate. */
  async responseRate(surveyIds: readonly Id[], start: Date, end: Date): Promise<OverallFigures['responseRate']> {
    const rate =
      surveyIds.length > 0 ? await this.deps.deliveredIn(surveyIds, start, end) : { delivered: 0, responded: 0 };
    return { ...rate, rate: rate.delivered === 0 ? null : share(rate.responded, rate.delivered) };
  }

  /** The newest counted comments of one category in the period, across the surveys (one indexed read). */
  async newestComments(
    surveyIds: readonly Id[],
    query: ResultsQuery,
    category: NpsCategory,
    limit: number,
  ): Promise<NewestComment[]> {
    if (surveyIds.length === 0) return [];
    const { queries, clock, timeZone } = this.deps;
    const period = periodOf(query, clock.now(), timeZone);
    const filter = {
      ...queries.filterOf(mongoose.trusted({ $in: [...surveyIds] }) as unknown as Id, period, query),
      review: mongoose.trusted({ $in: [...COUNTED_REVIEW_STATES] }),
      comment: mongoose.trusted({ $nin: ['', null] }),
      category,
    };
    const found = await queries.comments(filter, { limit });
    return found.docs.map((d) => ({
      id: String(d._id),
      surveyId: String(d.surveyId),
      score: d.score,
      category: d.category,
      comment: d.comment ?? '',
      submittedAt: d.submittedAt,
    }));
  }

  /** The last 30 days (today included) as a results query, for the dashboard. */
  last30Days(): ResultsQuery {
    const today = dayIn(this.deps.clock.now(), this.deps.timeZone);
    return { range: 'custom', from: addDays(today, -29), to: today, interval: 'auto', comments: 'all' };
  }
}
