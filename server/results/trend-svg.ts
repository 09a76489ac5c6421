/**
 * The trend (NPS, or the survey type's headline) as an SVG drawn on the server: the results page shows it when scripts are off (the
 * Chart.js canvas replaces it when they run), the dashboard shows it, and email reports embed it as
 * a PNG rendered from this same SVG. Pure: points in, markup out. Colours and fonts are presentation
 * attributes (no style attribute, no stylesheet), so the strict CSP holds and a rasteriser needs nothing else.
 */

export interface TrendSvgPoint {
  /** The axis label: a month (2026-03) or a day. */
  short: string;
  nps: number | null;
  low: number | null;
  high: number | null;
  n: number;
  few: boolean;
}

const W = 640;
const H = 240;
const LEFT = 48;
const RIGHT = 36;
const TOP = 12;
const BOTTOM = 34;
const MAX_LABELS = 8;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (v: number) => Number(v.toFixed(1));

/** The value axis: NPS's fixed -100..100, CSAT's 0..100 %, a mean's scale (issue 17). */
export interface TrendAxis {
  min: number;
  max: number;
  ticks: number[];
  /** The line drawn darker (0 for NPS), if any. */
  baseline?: number;
}
export const NPS_AXIS: TrendAxis = { min: -100, max: 100, ticks: [100, 50, 0, -50, -100], baseline: 0 };

/** The trend chart; `label` is its accessible name (the same numbers are in a table beside it). */
export function trendSvg(points: readonly TrendSvgPoint[], label: string, axis: TrendAxis = NPS_AXIS): string {
  const yOf = (v: number) => fixed(TOP + ((axis.max - v) / (axis.max - axis.min)) * (H - TOP - BOTTOM));
  const span = W - LEFT - RIGHT;
  const xOf = (i: number) => fixed(LEFT + (points.length <= 1 ? span / 2 : (i * span) / (points.length - 1)));
  const placed = points.map((p, i) => ({ ...p, x: xOf(i) }));
  const grid = axis.ticks
    .map(
      (v) =>
        `<line x1="${LEFT}" x2="${W - RIGHT}" y1="${yOf(v)}" y2="${yOf(v)}" stroke="${v === axis.baseline ? '#8a94a6' : '#e1e5eb'}" stroke-width="1"/>` +
        `<text x="${LEFT - 6}" y="${yOf(v) + 4}" text-anchor="end" font-size="11" fill="#4a5568" font-family="DejaVu Sans, Arial, sans-serif">${v}</text>`,
    )
    .join('');
  const segments = splitRuns(placed);
  const bands = segments
    .filter((run) => run.every((p) => p.low !== null && p.high !== null))
    .map((run) => {
      const upper = run.map((p) => `${p.x},${yOf(p.high!)}`);
      const lower = [...run].reverse().map((p) => `${p.x},${yOf(p.low!)}`);
      return `<polygon points="${[...upper, ...lower].join(' ')}" fill="#2b6cb0" fill-opacity="0.15" stroke="none"/>`;
    })
    .join('');
  const lines = segments
    .map(
      (run) =>
        `<polyline points="${run.map((p) => `${p.x},${yOf(p.nps ?? 0)}`).join(' ')}" fill="none" stroke="#2b6cb0" stroke-width="2"/>`,
    )
    .join('');
  const dots = placed
    .filter((p) => p.n > 0)
    .map(
      (p) =>
        `<circle cx="${p.x}" cy="${yOf(p.nps ?? 0)}" r="3.5" fill="${p.few ? '#ffffff' : '#2b6cb0'}" stroke="#2b6cb0" stroke-width="1.5"/>`,
    )
    .join('');
  const every = Math.max(1, Math.ceil(points.length / MAX_LABELS));
  const labels = placed
    .filter((_p, i) => i % every === 0 || i === placed.length - 1)
    .map(
      (p) =>
        `<text x="${p.x}" y="${H - BOTTOM + 18}" text-anchor="middle" font-size="11" fill="#4a5568" font-family="DejaVu Sans, Arial, sans-serif">${esc(p.short)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" class="trend-svg" role="img" aria-label="${esc(label)}">` +
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#ffffff"/>${grid}${bands}${lines}${dots}${labels}</svg>`
  );
}

/** Consecutive points with answers; an empty period breaks the line and the band. */
function splitRuns<T extends { n: number }>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  for (const item of items) {
    if (item.n > 0) {
      current.push(item);
    } else if (current.length > 0) {
      out.push(current);
      current = [];
    }
  }
  if (current.length > 0) out.push(current);
  return out;
}
