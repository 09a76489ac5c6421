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
