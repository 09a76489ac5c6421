/** Everything the results page shows that comes from day counts alone: pure, so it is tested directly. */
import { addDays } from '../lib/time-zone.js';
import type { SurveyType } from '../vocabulary/scales.js';
import type { DayCounts } from './day-counts.js';
import { headlineOf, headlinesDiffer, type Headline } from './headline.js';
import { npsFigures, type NpsFigures } from './nps.js';
import { daysBetween, inRange, type Period } from './periods.js';
import { summarise, type Summary } from './summary.js';
import {
  autoInterval,
  countsOf,
  fittedInterval,
  ROLLING_DAYS,
  trendOf,
  type TrendInterval,
  type TrendPoint,
} from './trend.js';

export interface PeriodFigures {
  /** The survey type's headline figure (NPS, CSAT %, CES or star mean) with its interval. */
  headline: Headline;
  summary: Summary;
  /** Responses in the same filters flagged as automated (excluded, waiting for review). */
  flagged: number;
  /** `figures` is the NPS arithmetic (NPS surveys); `headline` every type's; `change` is the headline's. */
  previous:
    | { period: Period; figures: NpsFigures; headline: Headline; change: number | null; significant: boolean }
    | undefined;
  /** `asked` is set when the interval asked for would have drawn more than MAX_TREND_POINTS points. */
  trend: { interval: TrendInterval; asked?: TrendInterval; points: TrendPoint[] };
}

/** The first day to read: one read covers the period, the previous period and the run-up of a rolling window. */
export function firstDayToRead(period: Period, previous: Period | undefined, interval: string): string | undefined {
  const rollingStart = interval === 'rolling' && period.fromDay ? addDays(period.fromDay, 1 - ROLLING_DAYS) : undefined;
  return [previous?.fromDay, rollingStart, period.fromDay].filter((d): d is string => d !== undefined).sort()[0];
}

/**
 * The period's figures, the change from the previous period (significant only when PRODUCT.md's test
 * says so) and the trend, from days that cover all of them.
 */
export function periodFigures(
  days: readonly DayCounts[],
  range: {
    period: Period;
    previous: Period | undefined;
    interval: TrendInterval | 'auto';
    today: string;
    type?: SurveyType;
  },
): PeriodFigures {
  const { period, previous: previousPeriod, today } = range;
  const type = range.type ?? 'nps';
  const current = days.filter((d) => inRange(d.day, period.fromDay, period.toDay));
  const cells = current.flatMap((d) => d.cells);
  const summary = summarise(cells, type);
  const headline = headlineOf(type, cells);
  const flagged = current.reduce((sum, d) => sum + d.flagged, 0);
  let previous: PeriodFigures['previous'];
  if (previousPeriod) {
    const before = days
      .filter((d) => inRange(d.day, previousPeriod.fromDay, previousPeriod.toDay))
      .flatMap((d) => d.cells);
    const figures = npsFigures(countsOf(before));
    const earlier = headlineOf(type, before);
    const change = headline.value !== null && earlier.value !== null ? headline.value - earlier.value : null;
    previous = {
      period: previousPeriod,
      figures,
      headline: earlier,
      change,
      significant: change !== null && headlinesDiffer(type, cells, before),
    };
  }
  const trendFrom = period.fromDay ?? current[0]?.day ?? today;
  const trendTo = period.toDay ?? today;
  const span = daysBetween(trendFrom, trendTo) + 1;
  const wanted = range.interval === 'auto' ? autoInterval(span) : range.interval;
  const interval = fittedInterval(wanted, span);
  return {
    headline,
    summary,
    flagged,
    previous,
    trend: {
      interval,
      ...(interval !== wanted ? { asked: wanted } : {}),
      points: trendOf(days, { fromDay: trendFrom, toDay: trendTo }, interval, type),
    },
  };
}

/** Counted email responses in a set of days (the response rate's numerator). */
export function respondedIn(days: readonly DayCounts[]): number {
  return days.reduce((sum, d) => sum + d.cells.reduce((s, c) => s + c.n, 0), 0);
}
