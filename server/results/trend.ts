/** The NPS trend over time: buckets of days, and a trailing window. Pure. */
import { addDays } from '../lib/time-zone.js';
import type { SurveyType } from '../vocabulary/scales.js';
import type { DayCounts } from './day-counts.js';
import { headlineOf, type Headline } from './headline.js';
import { countsOf, npsFigures, type NpsFigures } from './nps.js';
import { daysBetween, inRange } from './periods.js';

export type TrendInterval = 'day' | 'week' | 'month' | 'rolling';

export interface TrendPoint {
  key: string;
  from: string;
  to: string;
  /** NPS arithmetic on the bucket (meaningful for NPS surveys; the headline is every type's figure). */
  figures: NpsFigures;
  headline: Headline;
  /** Fewer responses than the small-sample threshold (PRODUCT.md). */
  few: boolean;
}

/** The trailing window of the "rolling" trend. */
export const ROLLING_DAYS = 90;

/** No trend has more points than this, whatever the range: a chart of more is unreadable, and costly. */
export const MAX_TREND_POINTS = 400;

const COARSER = { day: 'week', week: 'month' } as const;
const BUCKET_DAYS = { day: 1, week: 7, month: 30.4 } as const;

/**
 * The interval a trend is drawn with: the one asked for unless it would give more than
 * MAX_TREND_POINTS buckets over `days`, then the next coarser one (day -> week -> month). The rolling
 * trend keeps its window and spaces its points further apart instead (`rollingStride`).
 */
export function fittedInterval(requested: TrendInterval, days: number): TrendInterval {
  let interval = requested;
  while (interval !== 'rolling' && interval !== 'month' && days / BUCKET_DAYS[interval] > MAX_TREND_POINTS)
    interval = COARSER[interval];
  return interval;
}

/** Weeks between two points of the rolling trend: 1, or more when a long range would exceed the cap. */
export function rollingStride(days: number): number {
  return Math.max(1, Math.ceil(days / 7 / MAX_TREND_POINTS));
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

export { countsOf } from './nps.js';

/** Counts by score (index = score, 0-10 covers every scale). */
type ByScore = number[];
const emptyByScore = (): ByScore => Array.from({ length: 11 }, () => 0);
const cellsOf = (byScore: ByScore) => byScore.flatMap((n, score) => (n > 0 ? [{ score, n }] : []));

function point(key: string, from: string, to: string, byScore: ByScore, type: SurveyType): TrendPoint {
  const cells = cellsOf(byScore);
  const figures = npsFigures(countsOf(cells));
  const headline = headlineOf(type, cells);
  return { key, from, to, figures, headline, few: headline.smallSample };
}

/**
 * The trend: NPS per day, week or month between the first and last day, or a trailing 90-day window
 * ending each week. Buckets without responses are kept (n = 0) so gaps show as gaps.
 */
export function trendOf(
  days: readonly DayCounts[],
  range: { fromDay: string; toDay: string },
  interval: TrendInterval,
  type: SurveyType = 'nps',
): TrendPoint[] {
  if (interval === 'rolling') return rollingTrend(days, range, type);
  const buckets = new Map<string, { from: string; to: string; byScore: ByScore }>();
  for (let day = range.fromDay; day <= range.toDay; day = addDays(day, 1)) {
    const b = bucketOf(day, interval);
    if (!buckets.has(b.key)) {
      buckets.set(b.key, {
        from: b.from < range.fromDay ? range.fromDay : b.from,
        to: b.to > range.toDay ? range.toDay : b.to,
        byScore: emptyByScore(),
      });
    }
  }
  for (const d of days) {
    const bucket = buckets.get(bucketOf(d.day, interval).key);
    if (bucket && inRange(d.day, range.fromDay, range.toDay)) for (const c of d.cells) bucket.byScore[c.score]! += c.n;
  }
  return [...buckets.entries()].map(([key, b]) => point(key, b.from, b.to, b.byScore, type));
}

function rollingTrend(
  days: readonly DayCounts[],
  range: { fromDay: string; toDay: string },
  type: SurveyType,
): TrendPoint[] {
  const stride = 7 * rollingStride(daysBetween(range.fromDay, range.toDay) + 1);
  const ends: string[] = [];
  for (let end = bucketOf(range.fromDay, 'week').to; ; end = addDays(end, stride)) {
    const to = end > range.toDay ? range.toDay : end;
    ends.push(to);
    if (to === range.toDay) break;
  }
  // One pass over the days in order: each window adds the days entering it and drops those leaving.
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const byScore = emptyByScore();
  const shift = (d: DayCounts, sign: 1 | -1) => {
    for (const c of d.cells) byScore[c.score]! += sign * c.n;
  };
  let entered = 0;
  let left = 0;
  return ends.map((to) => {
    const from = addDays(to, 1 - ROLLING_DAYS);
    while (entered < sorted.length && sorted[entered]!.day <= to) shift(sorted[entered++]!, 1);
    while (left < entered && sorted[left]!.day < from) shift(sorted[left++]!, -1);
    return point(to, from, to, [...byScore], type);
  });
}
