/** The results and comments pages as view models, from the service's figures: pure (and tested). */
import { REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { BANDS, bandWord, SCALES, type SurveyType } from '../vocabulary/scales.js';
import { changeText, comparisonWords } from './comparison-words.js';
import type { Headline } from './headline.js';
import { daysBetween } from './periods.js';
import { questionRowsOf } from './question-views.js';
import { RANGE_PRESETS, type ResultsQuery } from './results.schemas.js';
import type { CommentsPage, SurveyResults } from './results.service.js';
import { NPS_AXIS, trendSvg, type TrendAxis } from './trend-svg.js';
import { bucketOf, MAX_TREND_POINTS, type TrendInterval } from './trend.js';
import { FOOTNOTES } from './type-footnotes.js';
import { filtersOf, urlWith, type QueryValues } from './view-urls.js';

export { changeText } from './comparison-words.js';
export { textQuestionsOf } from './question-views.js';
export { filtersOf, urlWith, type QueryValues } from './view-urls.js';

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
  const slot = 100 / summary.distribution.length;
  const distribution = summary.distribution.map((d, i) => ({
    ...d,
    x: i * slot + slot * 0.05,
    width: slot * 0.9,
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

/** Decimals a survey type's figure is shown with: a mean two, NPS and shares one (intervals). */
const decimalsOf = (type: SurveyType) => (SCALES[type].headlineIsMean ? 2 : 1);

/** The value axis of the trend chart per type. */
export function axisOf(type: SurveyType): TrendAxis {
  if (type === 'nps') return NPS_AXIS;
  if (type === 'csat') return { min: 0, max: 100, ticks: [100, 75, 50, 25, 0] };
  const { min, max } = SCALES[type];
  return { min, max, ticks: Array.from({ length: max - min + 1 }, (_, i) => max - i) };
}

/**
 * The trend's points as the chart and its table read them: `nps` is the plotted value (the rounded
 * NPS, or the CSAT % / mean), `shown` how the table writes it.
 */
export function trendRowsOf(trend: SurveyResults['trend']) {
  return trend.points.map((p) => {
    const h = p.headline;
    const d = decimalsOf(h.type);
    return {
      label: pointLabel(p, trend.interval),
      short: trend.interval === 'month' ? p.key : trend.interval === 'rolling' ? p.to : p.from,
      nps: h.type === 'nps' ? p.figures.npsRounded : h.value === null ? null : Number(h.value.toFixed(d)),
      shown: h.shown,
      low: h.interval ? Number(h.interval.low.toFixed(d)) : null,
      high: h.interval ? Number(h.interval.high.toFixed(d)) : null,
      n: h.n,
      few: p.few,
    };
  });
}

/** The headline as the page writes it: its name, value, interval ("29.3 to 58.0") and sample size. */
export function headlineView(h: Headline) {
  const d = decimalsOf(h.type);
  const pct = h.type === 'csat' ? '%' : '';
  return {
    ...h,
    intervalText: h.interval ? `${h.interval.low.toFixed(d)}${pct} to ${h.interval.high.toFixed(d)}${pct}` : '',
    topBox:
      h.scale?.topBox && h.type !== 'csat'
        ? {
            share: h.scale.topBox.share.toFixed(1),
            low: h.scale.topBox.low.toFixed(1),
            high: h.scale.topBox.high.toFixed(1),
            n: h.scale.topBox.n,
          }
        : undefined,
    mean:
      h.type === 'csat' && h.scale?.mean.mean !== null && h.scale?.mean.mean !== undefined
        ? { value: h.scale.mean.mean.toFixed(2), interval: h.scale.mean.interval }
        : undefined,
  };
}

/** The words of a survey type on its results page: band names, the distribution's title, the footnote. */
export function typeWords(type: SurveyType) {
  const bands = BANDS[type];
  const { min, max, topBoxFrom } = SCALES[type];
  return {
    isNps: type === 'nps',
    bandsTitle: `${bands
      .map((b, i) => (i === 0 ? b.label : b.label.toLowerCase()))
      .join(', ')
      .replace(/, ([^,]*)$/, ' and $1')}`,
    bandWord: type === 'nps' ? 'NPS category' : 'Answer band',
    distributionTitle: `${type === 'stars' ? 'Stars' : 'Scores'} ${min}-${max}`,
    topBoxLabel: `${topBoxFrom}-${max}`,
    footnote: type === 'nps' ? undefined : FOOTNOTES[type],
  };
}

/** Everything the results page shows besides the common filter locals. */
export function resultsView(results: SurveyResults, query: ResultsQuery, urls: { results: string; comments: string }) {
  const base = urls.results;
  const filters = filtersOf(query);
  const current: QueryValues = { ...filters, interval: query.interval, segment: query.segment };
  const trendRows = trendRowsOf(results.trend);
  const type = results.headline.type;
  const name = results.headline.name;
  return {
    values: query,
    results,
    headline: headlineView(results.headline),
    previousHeadline: results.previous ? headlineView(results.previous.headline) : undefined,
    words: typeWords(type),
    segmentRows: (results.segments?.rows ?? []).map((r) => ({ ...r, headline: headlineView(r.headline) })),
    questionRows: questionRowsOf(results, base, urls.comments, query),
    charts: chartsOf(results),
    changeText: changeText(results.previous?.change, decimalsOf(type)),
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
    trendData: { interval: results.trend.interval, points: trendRows, name, axis: axisOf(type) },
    // The same trend drawn on the server: what the page shows without scripts, and what reports embed.
    trendSvg: trendSvg(
      trendRows,
      `${name} trend with its 95% band; the same numbers are in the table below`,
      axisOf(type),
    ),
    commentsLink: urlWith(urls.comments, filters, {}),
    exportLink: urlWith(`${base}/export.csv`, filters, {}),
    exportLinkBom: urlWith(`${base}/export.csv`, filters, { bom: 1 }),
    clearSegmentUrl: urlWith(base, current, { segment: undefined }),
    ...skewOf(results),
  };
}

/** The comments tab: the page of comments, the category filters and the paging links. */
export function commentsView(
  comments: CommentsPage,
  query: ResultsQuery,
  urls: { results: string; comments: string },
  type: SurveyType = 'nps',
) {
  const base = urls.comments;
  const filters = filtersOf(query);
  const current: QueryValues = { ...filters, comments: query.comments, question: query.question };
  return {
    values: query,
    comments: {
      ...comments,
      // The band in the scale's words ("Dissatisfied"); NPS keeps its category as it always read.
      items: comments.items.map((i) => ({
        ...i,
        categoryLabel: type === 'nps' ? i.category : bandWord(type, i.category),
      })),
    },
    resultsLink: urlWith(urls.results, filters, {}),
    allCommentsLink: urlWith(base, { ...filters, comments: query.comments }, {}),
    commentFilters: (['all', 'detractor', 'passive', 'promoter'] as const).map((c) => ({
      // NPS: "Detractors"; the other scales name their bands ("Dissatisfied", "Difficult").
      label: c === 'all' ? 'All' : BANDS[type].find((b) => b.key === c)!.label,
      url: urlWith(base, current, { comments: c }),
      current: query.comments === c,
    })),
    newestPage: comments.newest ? undefined : urlWith(base, current, {}),
    olderPage: comments.olderCursor ? urlWith(base, current, { before: comments.olderCursor }) : undefined,
  };
}
