/**
 * The headline figure of a survey, whatever its type (issue 17), from counts by score: NPS with its
 * adjusted-Wald interval (nps.ts), CSAT % (the share answering 4-5) with its Wilson interval, and for
 * CES and star ratings the mean with its t interval (scale-figures.ts, means.ts). Changes between
 * periods and segment differences use the matching test: PRODUCT.md's for NPS, a two-proportion
 * z-test for a share, Welch's t-test for a mean. Pure.
 */
import { SCALES, type SurveyType } from '../vocabulary/scales.js';
import { countsOf, differsSignificantly, npsFigures, type NpsFigures } from './nps.js';
import { scaleDiffers, scaleFigures, type Distribution, type ScaleFigures } from './scale-figures.js';

export interface Headline {
  type: SurveyType;
  /** "NPS", "CSAT", "CES", "Average rating". */
  name: string;
  n: number;
  /** The NPS, the CSAT % or the mean, unrounded; null without responses. */
  value: number | null;
  /** As shown: "+45", "82.4%", "5.62". */
  shown: string | null;
  /** 95% interval in the figure's own unit; null when it cannot be computed (no responses, or a mean of one). */
  interval: { low: number; high: number } | null;
  smallSample: boolean;
  /** NPS surveys: the counts and the adjusted-Wald figures. */
  nps?: NpsFigures;
  /** Other types: the top box with its Wilson interval and the mean with its t interval. */
  scale?: ScaleFigures;
}

export const HEADLINE_NAMES: Record<SurveyType, string> = {
  nps: 'NPS',
  csat: 'CSAT',
  ces: 'CES',
  stars: 'Average rating',
};

/** The unit a change is told in: NPS and CSAT % in points, means in scale points. */
export const CHANGE_UNIT: Record<SurveyType, string> = {
  nps: 'points',
  csat: 'percentage points',
  ces: 'on the 1-7 scale',
  stars: 'stars',
};

/** How the headline is shown: a signed whole NPS, a share with one decimal, a mean with two. */
export function shownValue(type: SurveyType, value: number | null): string | null {
  if (value === null) return null;
  if (type === 'nps') {
    const r = Math.sign(value) * Math.round(Math.abs(value)) + 0;
    return r > 0 ? `+${r}` : r < 0 ? `\u2212${Math.abs(r)}` : '0';
  }
  return SCALES[type].headlineIsMean ? value.toFixed(2) : `${value.toFixed(1)}%`;
}

export function headlineOf(type: SurveyType, cells: Distribution): Headline {
  const name = HEADLINE_NAMES[type];
  if (type === 'nps') {
    const nps = npsFigures(countsOf(cells));
    return {
      type,
      name,
      n: nps.n,
      value: nps.nps,
      shown: shownValue(type, nps.nps),
      interval: nps.n > 0 ? { low: nps.interval.low, high: nps.interval.high } : null,
      smallSample: nps.smallSample,
      nps,
    };
  }
  const scale = scaleFigures(type, cells);
  const mean = SCALES[type].headlineIsMean;
  const value = mean ? scale.mean.mean : (scale.topBox?.share ?? null);
  const interval = mean
    ? scale.mean.interval
    : scale.topBox
      ? { low: scale.topBox.low, high: scale.topBox.high }
      : null;
  return { type, name, n: scale.n, value, shown: shownValue(type, value), interval, smallSample: scale.n < 30, scale };
}

/** Whether two sets of counts differ significantly in the headline figure, by its matching test. */
export function headlinesDiffer(type: SurveyType, a: Distribution, b: Distribution): boolean {
  const sum = (d: Distribution) => d.reduce((s, c) => s + c.n, 0);
  if (sum(a) === 0 || sum(b) === 0) return false;
  if (type === 'nps') {
    return differsSignificantly(countsOf(a), countsOf(b));
  }
  return scaleDiffers(type, a, b) !== undefined;
}

/** Adds counts by score: the rest of a view when one segment is taken out, or two periods together. */
export function withoutCells(all: Distribution, part: Distribution): { score: number; n: number }[] {
  const byScore = new Map<number, number>();
  for (const c of all) byScore.set(c.score, (byScore.get(c.score) ?? 0) + c.n);
  for (const c of part) byScore.set(c.score, (byScore.get(c.score) ?? 0) - c.n);
  return [...byScore.entries()].filter(([, n]) => n > 0).map(([score, n]) => ({ score, n }));
}
