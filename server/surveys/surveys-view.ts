/** The surveys list and a survey's page as view models: pure (and tested). */

export interface DeliveryProgress {
  byStatus: Record<string, number>;
  skipped: Record<string, number>;
  total: number;
}

/** A survey's line on the overview (the results domain computes it). */
export interface OverviewLine {
  figures: { n: number; nps: number | null; npsRounded: number | null; interval: { marginOfError: number } };
  delivered: number;
  responded: number;
  rate: number | null;
  trend: readonly { figures: { n: number; nps: number | null }; headline?: { value: number | null } }[];
  /** The survey type's figure, for surveys other than NPS. */
  headline?: {
    type: string;
    name: string;
    shown: string | null;
    n: number;
    interval: { low: number; high: number } | null;
    smallSample: boolean;
  };
}

export interface QueueRun {
  status: string;
  queued?: number | null;
  skipped?: number | null;
  error?: string | null;
  createdAt?: Date;
  finishedAt?: Date | null;
}

/**
 * An SVG path (viewBox 0 0 100 40) for a 12-point NPS trend, -100 at the bottom, +100 at the top;
 * months without responses break the line. SVG attributes, so the strict CSP needs no inline style.
 */
export function sparklineOf(
  points: readonly { figures: { n: number; nps: number | null } }[],
): { path: string; label: string } | undefined {
  const step = points.length > 1 ? 100 / (points.length - 1) : 0;
  let path = '';
  let previousDrawn = false;
  points.forEach((p, i) => {
    if (p.figures.nps === null) {
      previousDrawn = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (20 - p.figures.nps / 5).toFixed(1);
    path += `${previousDrawn ? 'L' : 'M'}${x} ${y} `;
    previousDrawn = true;
  });
  if (!path) return undefined;
  const known = points.filter((p) => p.figures.nps !== null).map((p) => Math.round(p.figures.nps!));
  return { path: path.trim(), label: `Monthly NPS over the last 12 months: ${known.join(', ')}` };
}

/**
 * The 12-point sparkline of a CSAT % (0..100) or a mean (1..5, 1..7), bottom to top; gaps break it.
 */
export function scaleSparklineOf(
  points: readonly { headline?: { value: number | null } }[],
  axis: { min: number; max: number },
  name: string,
): { path: string; label: string } | undefined {
  const step = points.length > 1 ? 100 / (points.length - 1) : 0;
  let path = '';
  let drawn = false;
  points.forEach((p, i) => {
    const v = p.headline?.value ?? null;
    if (v === null) return void (drawn = false);
    path += `${drawn ? 'L' : 'M'}${(i * step).toFixed(1)} ${(40 - (40 * (v - axis.min)) / (axis.max - axis.min)).toFixed(1)} `;
    drawn = true;
  });
  if (!path) return undefined;
  const known = points.flatMap((p) =>
    p.headline?.value === null || p.headline?.value === undefined ? [] : [p.headline.value.toFixed(1)],
  );
  return { path: path.trim(), label: `Monthly ${name} over the last 12 months: ${known.join(', ')}` };
}

const AXES: Record<string, { min: number; max: number }> = {
  csat: { min: 0, max: 100 },
  ces: { min: 1, max: 7 },
  stars: { min: 1, max: 5 },
};

/** The overview's rows: each survey with its figures (none yet for a survey without answers). */
export function overviewRows<T extends { id: string }>(list: readonly T[], overview: Map<string, OverviewLine>) {
  return list.map((s) => {
    const o = overview.get(s.id);
    const other = o?.headline && o.headline.type !== 'nps' ? o.headline : undefined;
    const d = other && other.type !== 'csat' ? 2 : 1;
    const pct = other?.type === 'csat' ? '%' : '';
    return {
      ...s,
      figures: other ? undefined : o?.figures,
      headline: other && {
        ...other,
        intervalText: other.interval
          ? `${other.interval.low.toFixed(d)}${pct} to ${other.interval.high.toFixed(d)}${pct}`
          : '',
      },
      noAnswers: !o || (other ? other.n === 0 : o.figures.n === 0),
      rate: o?.rate,
      delivered: o?.delivered ?? 0,
      responded: o?.responded ?? 0,
      sparkline: !o
        ? undefined
        : other
          ? scaleSparklineOf(o.trend, AXES[other.type]!, other.name)
          : sparklineOf(o.trend),
    };
  });
}

/** What the survey page says about delivery: skip reasons in words, and whether sending is under way. */
export function deliveryView(
  progress: DeliveryProgress,
  runs: readonly QueueRun[],
  skipLabels: Record<string, string>,
) {
  const queueing = runs.some((r) => r.status === 'pending' || r.status === 'running');
  const skipped = Object.entries(progress.skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => ({ reason: skipLabels[reason] ?? reason, n }));
  const sending = queueing || (progress.byStatus.queued ?? 0) + (progress.byStatus.sending ?? 0) > 0;
  return { progress, skipped, runs, queueing, sending };
}
