import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/**
 * Means of a rating scale (CES 1-7, star ratings, rating questions) with their 95% t interval, and
 * Welch's two-sample t-test for whether two means differ - the arithmetic issue 17 names. Kept as
 * counts (n, sum, sum of squares), so per-day documents can carry them and add up.
 */
export interface MeanCounts {
  n: number;
  sum: number;
  sumSquares: number;
}

export interface MeanFigures extends MeanCounts {
  mean: number | null;
  /** The sample standard deviation (n - 1 in the denominator). */
  sd: number | null;
  /** The 95% t interval, mean ± t(0.975, n - 1) × sd / √n; null below 2 answers. */
  interval: { low: number; high: number } | null;
  smallSample: boolean;
}

/** The counts of a distribution of scores ({ score, n } rows). */
export function meanCountsOf(rows: readonly { score: number; n: number }[]): MeanCounts {
  return rows.reduce(
    (c, r) => ({ n: c.n + r.n, sum: c.sum + r.score * r.n, sumSquares: c.sumSquares + r.score * r.score * r.n }),
    { n: 0, sum: 0, sumSquares: 0 },
  );
}

function variance(c: MeanCounts): number {
  // Sum of squared deviations from the counts; never below 0 from rounding.
  return Math.max(0, (c.sumSquares - (c.sum * c.sum) / c.n) / (c.n - 1));
}

export function meanFigures(c: MeanCounts): MeanFigures {
  if (c.n === 0) return { ...c, mean: null, sd: null, interval: null, smallSample: true };
  const mean = c.sum / c.n;
  if (c.n < 2) return { ...c, mean, sd: null, interval: null, smallSample: true };
  const sd = Math.sqrt(variance(c));
  const half = tQuantile(0.975, c.n - 1) * (sd / Math.sqrt(c.n));
  return { ...c, mean, sd, interval: { low: mean - half, high: mean + half }, smallSample: c.n < 30 };
}

/**
 * Welch's t-test (unequal variances, Welch-Satterthwaite degrees of freedom), two-sided at 5%:
 * 'higher' or 'lower' (the first mean against the second) when they differ, undefined when not or
 * when either side has fewer than 2 answers. Two constant samples differ when their means do.
 */
export function meansDiffer(a: MeanCounts, b: MeanCounts): 'higher' | 'lower' | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const ma = a.sum / a.n;
  const mb = b.sum / b.n;
  const va = variance(a) / a.n;
  const vb = variance(b) / b.n;
  if (ma === mb) return undefined;
  if (va + vb === 0) return ma > mb ? 'higher' : 'lower';
  const t = (ma - mb) / Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const p = 2 * (1 - tCdf(Math.abs(t), df));
  if (p >= 0.05) return undefined;
  return t > 0 ? 'higher' : 'lower';
}
