import { SCALES, type SurveyType } from '../vocabulary/scales.js';
import { meanCountsOf, meanFigures, meansDiffer, type MeanCounts, type MeanFigures } from './means.js';
import { twoProportionTest, wilsonInterval } from './proportions.js';

/** A scale's answers as day documents keep them: how many gave each score. */
export type Distribution = readonly { score: number; n: number }[];

export interface ScaleFigures {
  n: number;
  /** The top box (CSAT %, CES's share of 5-7, 4-5 stars) with its Wilson 95% interval, in percent. */
  topBox: { n: number; share: number; low: number; high: number } | null;
  mean: MeanFigures;
}

/** The figures of a non-NPS scale (NPS has its own arithmetic, nps.ts): top-box share and mean. */
export function scaleFigures(type: SurveyType, rows: Distribution): ScaleFigures {
  const from = SCALES[type].topBoxFrom;
  const counts: MeanCounts = meanCountsOf(rows);
  const top = rows.filter((r) => r.score >= from).reduce((sum, r) => sum + r.n, 0);
  const wilson = wilsonInterval(top, counts.n);
  return { n: counts.n, topBox: wilson ? { n: top, ...wilson } : null, mean: meanFigures(counts) };
}

/**
 * Whether two periods or segments differ, with the test that matches the headline figure: a
 * two-proportion z-test for a top-box share (CSAT %), Welch's t-test for a mean (CES, stars).
 * 'higher' / 'lower' for the first against the second; undefined when the test does not say so.
 */
export function scaleDiffers(type: SurveyType, a: Distribution, b: Distribution): 'higher' | 'lower' | undefined {
  if (SCALES[type].headlineIsMean) return meansDiffer(meanCountsOf(a), meanCountsOf(b));
  const fa = scaleFigures(type, a);
  const fb = scaleFigures(type, b);
  return twoProportionTest(fa.topBox?.n ?? 0, fa.n, fb.topBox?.n ?? 0, fb.n);
}
