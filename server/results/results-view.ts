/** The results and comments pages as view models, from the service's figures: pure (and tested). */
import { REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { changeText, comparisonWords } from './comparison-words.js';
import { daysBetween } from './periods.js';
import { RANGE_PRESETS, type ResultsQuery } from './results.schemas.js';
import type { CommentsPage, SurveyResults } from './results.service.js';
import { trendSvg } from './trend-svg.js';
import { bucketOf, MAX_TREND_POINTS, type TrendInterval } from './trend.js';

export { changeText } from './comparison-words.js';

export const RANGE_LABELS: Record<(typeof RANGE_PRESETS)[number], string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '12m': 'Last 12 months',
  all: 'All time',
  custom: 'Custom dates',
};
export const INTERVAL_LABELS: Record<TrendInterval, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  rolling: 'Trailing 90 days',
};

/** Widths and offsets (in %) for the server-drawn SVG bars: they need no script and no inline style. */
export function chartsOf(results: SurveyResults) {
  const { summary } = results;
  let x = 0;
  const stacked = summary.categories.map((c) => {
    const bar = { ...c, x, width: c.share };
    x += c.share;
    return bar;
  });
  const max = Math.max(1, ...summary.distribution.map((d) => d.n));
  const distribution = summary.distribution.map((d, i) => ({
    ...d,
    x: i * 9.09 + 0.5,
    width: 8,
    height: (100 * d.n) / max,
    y: 100 - (100 * d.n) / max,
  }));
  return { stacked, distribution };
}

/** The plain-words warning when some groups answered significantly more or less often. */
export function skewOf(results: SurveyResults): { skewed: boolean; skewedText?: string } {
  const rows = results.representativeness?.rows ?? [];
  const under = rows.filter((r) => r.skew === 'under').map((r) => `${r.value} (${r.responseRate.toFixed(1)}%)`);
  const over = rows.filter((r) => r.skew === 'over').map((r) => `${r.value} (${r.responseRate.toFixed(1)}%)`);
  if (under.length === 0 && over.length === 0) return { skewed: false };
  const property = results.representativeness!.property;
  const parts = [
    ...(under.length > 0 ? [`customers with ${property} ${under.join(', ')} answered less often than the others`] : []),
    ...(over.length > 0 ? [`${property} ${over.join(', ')} answered more often`] : []),
  ];
  return { skewed: true, skewedText: `${parts.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()) };
}

export type QueryValues = Record<string, string | number | undefined>;

/** The filters both tabs share (and the CSV export uses), as URL values. */
export const filtersOf = (query: ResultsQuery): QueryValues => ({
  range: query.range,
  from: query.from,
  to: query.to,
  prop: query.prop,
  value: query.value,
  channel: query.channel,
  tag: query.tag,
});

/** The address of the current view with some filters changed (for preset links, tabs and paging). */
export function urlWith(base: string, query: QueryValues, changes: QueryValues): string {
  const defaults: QueryValues = { comments: 'all', interval: 'auto' };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '' && defaults[key] !== value) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

/**
 * A trend point's label: its days, and for a week or month the range cut short (the first and last
 * bucket of a range that does not start or end on a bucket boundary) says so, so "2026-12-01" is not
 * read as a daily point.
 */
function pointLabel(p: { from: string; to: string }, interval: TrendInterval): string {
  const days = p.from === p.to ? p.from : `${p.from} – ${p.to}`;
  if (interval !== 'week' && interval !== 'month') return days;
  const full = bucketOf(p.from, interval);
  if (full.from === p.from && full.to === p.to) return days;
  const n = daysBetween(p.from, p.to) + 1;
  return `${days} (part of the ${interval}: ${n} day${n === 1 ? '' : 's'})`;
}

/** The trend's points as the chart and its table read them. */
export function trendRowsOf(trend: SurveyResults['trend']) {
  return trend.points.map((p) => ({
    label: pointLabel(p, trend.interval),
    short: trend.interval === 'month' ? p.key : trend.interval === 'rolling' ? p.to : p.from,
    nps: p.figures.npsRounded,
    low: p.figures.n > 0 ? Number(p.figures.interval.low.toFixed(1)) : null,
    high: p.figures.n > 0 ? Number(p.figures.interval.high.toFixed(1)) : null,
    n: p.figures.n,
    few: p.few,
  }));
}

/** Everything the results page shows besides the common filter locals. */
export function resultsView(results: SurveyResults, query: ResultsQuery, urls: { results: string; comments: string }) {
  const base = urls.results;
  const filters = filtersOf(query);
  const current: QueryValues = { ...filters, interval: query.interval, segment: query.segment };
  const trendRows = trendRowsOf(results.trend);
  return {
    values: query,
    results,
    charts: chartsOf(results),
    changeText: changeText(results.previous?.change),
    comparison: comparisonWords(results.previous),
    repurchaseColumns: [...Object.values(REPURCHASE_LABELS), 'Not answered'],
    presetLinks: RANGE_PRESETS.filter((r) => r !== 'custom').map((r) => ({
      label: RANGE_LABELS[r],
      url: urlWith(base, current, { range: r, from: undefined, to: undefined }),
      current: query.range === r,
    })),
    intervalLinks: (['day', 'week', 'month', 'rolling'] as const).map((i) => ({
      label: INTERVAL_LABELS[i],
      url: urlWith(base, current, { interval: i }),
      current: results.trend.interval === i,
    })),
    intervalLabel: INTERVAL_LABELS[results.trend.interval],
    trendNote: results.trend.asked
      ? `Grouped by ${INTERVAL_LABELS[results.trend.interval].toLowerCase()}: by ${INTERVAL_LABELS[results.trend.asked].toLowerCase()} this range would have more than ${MAX_TREND_POINTS} points.`
      : undefined,
    trendRows: trendRows.map((row) => ({
      ...row,
      range: row.low === null ? '' : `${row.low.toFixed(1)} to ${(row.high ?? 0).toFixed(1)}`,
    })),
    trendData: { interval: results.trend.interval, points: trendRows },
    // The same trend drawn on the server: what the page shows without scripts, and what reports embed.
    trendSvg: trendSvg(trendRows, 'NPS trend with its 95% band; the same numbers are in the table below'),
    commentsLink: urlWith(urls.comments, filters, {}),
    exportLink: urlWith(`${base}/export.csv`, filters, {}),
    exportLinkBom: urlWith(`${base}/export.csv`, filters, { bom: 1 }),
    clearSegmentUrl: urlWith(base, current, { segment: undefined }),
    ...skewOf(results),
  };
}

/** The comments tab: the page of comments, the category filters and the paging links. */
export function commentsView(comments: CommentsPage, query: ResultsQuery, urls: { results: string; comments: string }) {
  const base = urls.comments;
  const filters = filtersOf(query);
  const current: QueryValues = { ...filters, comments: query.comments };
  return {
    values: query,
    comments,
    resultsLink: urlWith(urls.results, filters, {}),
    commentFilters: (['all', 'detractor', 'passive', 'promoter'] as const).map((c) => ({
      label: c === 'all' ? 'All' : `${c[0]!.toUpperCase()}${c.slice(1)}s`,
      url: urlWith(base, current, { comments: c }),
      current: query.comments === c,
    })),
    newestPage: comments.newest ? undefined : urlWith(base, current, {}),
    olderPage: comments.olderCursor ? urlWith(base, current, { before: comments.olderCursor }) : undefined,
  };
}
