import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { dayIn, startOfDay } from '../lib/time-zone.js';
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

/** For each time range, the invitations delivered in it and how many were answered (sending/invitation-reads.ts). */
export type DeliveredIn = (
  surveyIds: readonly Id[],
  ranges: readonly { start: Date; end: Date }[],
) => Promise<{ delivered: number; responded: number }[]>;

type Rate = { delivered: number; responded: number; rate: number | null };

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

  /**
   * The ids and names of the surveys asked for: one, or every survey ("all"). NPS surveys only: these
   * figures pool NPS, and a CSAT, CES or star survey's scale would mean nothing in it (their figures
   * are on their own results pages).
   */
  async surveysOf(which: string | null | undefined): Promise<{ id: Id; name: string }[]> {
    const nps = (s: { type?: string | null }) => (s.type ?? 'nps') === 'nps';
    if (which) {
      if (!mongoose.isValidObjectId(which)) return [];
      const found = await this.deps.surveys.byIds([new mongoose.Types.ObjectId(which)]);
      return found.filter(nps).map((s) => ({ id: s._id, name: s.name }));
    }
    return (await this.deps.surveys.list()).filter(nps).map((s) => ({ id: s._id, name: s.name }));
  }

  /**
   * The figures. `withRate: false` skips the response rate's read (a trend needs none; the dashboard
   * reads its two rates at once); `docs` are day documents already read for the same surveys.
   */
  async figures(
    surveys: readonly { id: Id; name: string }[],
    query: ResultsQuery,
    options: { withRate?: boolean; docs?: DayDoc[] } = {},
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
      : mergeDays(options.docs ?? (await this.dayDocs(ids, query)), {
          fromDay: readFrom,
          toDay: period.toDay,
          channel: query.channel,
        });
    const figures = periodFigures(days, { period, previous, interval: query.interval, today: dayIn(now, timeZone) });
    return {
      period,
      ...figures,
      surveys: surveys.map((s) => ({ id: String(s.id), name: s.name })),
      responseRate:
        options.withRate === false
          ? { delivered: 0, responded: 0, rate: null }
          : (await this.responseRates(ids, [this.rangeOf(period)]))[0]!,
    };
  }

  /** The time range a query's period covers, for its response rate. */
  rangeFor(query: ResultsQuery): { start: Date; end: Date } {
    return this.rangeOf(periodOf(query, this.deps.clock.now(), this.deps.timeZone));
  }

  /** A period as the time range its response rate counts invitations in. */
  rangeOf(period: Period): { start: Date; end: Date } {
    const start = period.fromDay ? startOfDay(period.fromDay, this.deps.timeZone) : new Date(0);
    return { start, end: period.end ?? this.deps.clock.now() };
  }

  /** The surveys' day documents: overall, or one property value's when the view filters by it. */
  async dayDocs(ids: readonly Id[], query: ResultsQuery): Promise<DayDoc[]> {
    const { prop, value } = query;
    if (!prop) return this.deps.counts.dayDocsOfSurveys(ids);
    return (await Promise.all(ids.map((id) => this.deps.counts.segmentDocsOf(id, prop, value)))).flat();
  }

  /** For each range, of the invitations delivered in it how many were answered, and the rate: one read. */
  async responseRates(surveyIds: readonly Id[], ranges: readonly { start: Date; end: Date }[]): Promise<Rate[]> {
    return (await this.deps.deliveredIn(surveyIds, ranges)).map((r) => ({
      ...r,
      rate: r.delivered === 0 ? null : share(r.responded, r.delivered),
    }));
  }

  /**
   * The `per` newest counted comments of each category asked for, in the period, across the surveys:
   * one indexed read of the newest comments of those categories together, and a read of one category
   * alone only when that first read was full without `per` of it (most comments come from one end).
   */
  async newestComments<C extends NpsCategory>(
    surveyIds: readonly Id[],
    query: ResultsQuery,
    categories: readonly C[],
    per: number,
  ): Promise<Record<C, NewestComment[]>> {
    const out = Object.fromEntries(categories.map((c) => [c, [] as NewestComment[]])) as Record<C, NewestComment[]>;
    if (surveyIds.length === 0) return out;
    const { queries, clock, timeZone } = this.deps;
    const period = periodOf(query, clock.now(), timeZone);
    const read = async (which: readonly C[], limit: number) => {
      const filter = {
        ...queries.filterOf(mongoose.trusted({ $in: [...surveyIds] }) as unknown as Id, period, query),
        review: mongoose.trusted({ $in: [...COUNTED_REVIEW_STATES] }),
        comment: mongoose.trusted({ $nin: ['', null] }),
        category: which.length === 1 ? which[0] : mongoose.trusted({ $in: [...which] }),
      };
      return (await queries.comments(filter, { limit })).docs.map((d) => ({
        id: String(d._id),
        surveyId: String(d.surveyId),
        score: d.score,
        category: d.category,
        comment: d.comment ?? '',
        submittedAt: d.submittedAt,
      }));
    };
    const limit = per * categories.length * 3;
    const first = await read(categories, limit);
    for (const c of first) if (out[c.category as C].length < per) out[c.category as C].push(c);
    const short = categories.filter((c) => out[c].length < per);
    if (first.length === limit) for (const c of short) out[c] = await read([c], per);
    return out;
  }
}
