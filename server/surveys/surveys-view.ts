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
  trend: readonly { figures: { n: number; nps: number | null } }[];
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

/** The overview's rows: each survey with its figures (none yet for a survey without answers). */
export function overviewRows<T extends { id: string }>(list: readonly T[], overview: Map<string, OverviewLine>) {
  return list.map((s) => {
    const o = overview.get(s.id);
    return {
      ...s,
      figures: o?.figures,
      rate: o?.rate,
      delivered: o?.delivered ?? 0,
      responded: o?.responded ?? 0,
      sparkline: o ? sparklineOf(o.trend) : undefined,
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
