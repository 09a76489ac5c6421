import { SMALL_SAMPLE } from '../vocabulary/defaults.js';

/**
 * The NPS arithmetic of PRODUCT.md, as pure functions on counts. Everything shown is computed from
 * counts, never from rounded percentages.
 */
export interface NpsCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsFigures extends NpsCounts {
  /** Responses with a score (passives included). */
  n: number;
  /** %promoters - %detractors, unrounded; null when there are no responses. */
  nps: number | null;
  /** Rounded half away from zero, for display. */
  npsRounded: number | null;
  /** Adjusted-Wald 95% interval (Rocks 2016), clipped to [-100, 100]. */
  interval: { low: number; high: number; centre: number; standardError: number; marginOfError: number };
  /** Fewer than 30 responses. */
  smallSample: boolean;
}

const Z95 = 1.96;

/** Rounds half away from zero: 44.5 -> 45, -44.5 -> -45. */
export function roundHalfAway(value: number): number {
  return Math.sign(value) * Math.round(Math.abs(value));
}

export function npsFigures(counts: NpsCounts): NpsFigures {
  const { promoters: P, passives, detractors: D } = counts;
  const n = P + passives + D;
  const nps = n === 0 ? null : (100 * (P - D)) / n;
  const nAdj = n + 3;
  const p = (P + 0.75) / nAdj;
  const d = (D + 0.75) / nAdj;
  const centre = 100 * (p - d);
  const standardError = 100 * Math.sqrt((p + d - (p - d) ** 2) / nAdj);
  const marginOfError = Z95 * standardError;
  return {
    promoters: P,
    passives,
    detractors: D,
    n,
    nps,
    npsRounded: nps === null ? null : roundHalfAway(nps) + 0,
    interval: {
      low: Math.max(-100, centre - marginOfError),
      high: Math.min(100, centre + marginOfError),
      centre,
      standardError,
      marginOfError,
    },
    smallSample: n < SMALL_SAMPLE,
  };
}

/** Two periods or segments differ when |C1 - C2| > 1.96 x sqrt(SE1^2 + SE2^2) (PRODUCT.md). */
export function differsSignificantly(a: NpsCounts, b: NpsCounts): boolean {
  const fa = npsFigures(a).interval;
  const fb = npsFigures(b).interval;
  return Math.abs(fa.centre - fb.centre) > Z95 * Math.sqrt(fa.standardError ** 2 + fb.standardError ** 2);
}

/** Promoters, passives and detractors in a set of cells. */
export function countsOf(cells: readonly { score: number; n: number }[]): NpsCounts {
  const counts = { promoters: 0, passives: 0, detractors: 0 };
  for (const c of cells) {
    if (c.score >= 9) counts.promoters += c.n;
    else if (c.score >= 7) counts.passives += c.n;
    else counts.detractors += c.n;
  }
  return counts;
}
