/**
 * The Wilson score interval for a proportion (95%): accurate for small n and for shares near 0 or
 * 100%, where the plain normal interval is not. Returned in percent.
 */
export function wilsonInterval(successes: number, n: number): { share: number; low: number; high: number } | null {
  if (n === 0) return null;
  const z = 1.96;
  const p = successes / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { share: 100 * p, low: 100 * Math.max(0, centre - half), high: 100 * Math.min(1, centre + half) };
}

/**
 * Two-proportion z-test at 95%: whether a1 of n1 and a2 of n2 differ, with the pooled standard error.
 * Returns 'higher' or 'lower' (the first against the second) when they do, undefined when not (or
 * when either side is empty).
 */
export function twoProportionTest(a1: number, n1: number, a2: number, n2: number): 'higher' | 'lower' | undefined {
  if (n1 <= 0 || n2 <= 0) return undefined;
  const p1 = a1 / n1;
  const p2 = a2 / n2;
  const pooled = (a1 + a2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (se === 0 || Math.abs(p1 - p2) / se <= 1.96) return undefined;
  return p1 > p2 ? 'higher' : 'lower';
}
