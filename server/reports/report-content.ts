/**
 * What a report says, as a view model from the figures (pure, shared by the email, its plain-text
 * part, the preview page and the home dashboard). A period without responses says so instead of
 * showing a score of zero.
 */
import { comparisonWords, type Words } from '../results/comparison-words.js';
import type { NewestComment, OverallFigures } from '../results/overall-results.js';
import { trendRowsOf } from '../results/results-view.js';
import { trendSvg } from '../results/trend-svg.js';
import { fixed } from '../web/helpers/fixed.js';
import { signed } from '../web/helpers/signed.js';

export interface OldCase {
  id: string;
  score: number;
  openedAt: Date;
  ageDays: number;
  surveyName: string;
}

export interface ReportData {
  title: string;
  /** "2026-11-23 to 2026-11-29" */
  periodText: string;
  timeZone: string;
  figures: OverallFigures;
  trend: OverallFigures['trend'];
  detractors: NewestComment[];
  promoters: NewestComment[];
  oldCases: { ageDays: number; total: number; items: OldCase[] };
  resultsUrl: string;
  baseUrl: string;
  filtersText: string | undefined;
  /** Every survey pooled, rather than one. */
  allSurveys: boolean;
}

const fixed1 = (v: number) => fixed(v, 1);

/** The filters in words ("plan = "Pro", channel email"), or undefined for none. */
export function filtersTextOf(f: {
  prop?: string | undefined;
  value?: string | undefined;
  channel?: string | undefined;
  tag?: string | undefined;
}): string | undefined {
  const parts = [
    f.prop ? `${f.prop} = "${f.value ?? ''}"` : '',
    f.channel ? `channel ${f.channel}` : '',
    f.tag ? `tag ${f.tag}` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

export function reportView(d: ReportData) {
  const f = d.figures.summary.figures;
  const has = f.n > 0;
  const comparison: Words | undefined = has ? comparisonWords(d.figures.previous) : undefined;
  const previous = d.figures.previous;
  const rows = trendRowsOf(d.trend);
  const surveyNames = d.figures.surveys.map((s) => s.name);
  return {
    title: d.title,
    periodText: d.periodText,
    timeZone: d.timeZone,
    filtersText: d.filtersText,
    surveysText: d.allSurveys
      ? `All surveys together (${surveyNames.length}): ${surveyNames.join(', ') || 'none yet'}`
      : (surveyNames[0] ?? 'a deleted survey'),
    hasResponses: has,
    nps: has ? signed(f.npsRounded) : undefined,
    interval: has ? `${fixed1(f.interval.low)} to ${fixed1(f.interval.high)}` : undefined,
    n: f.n,
    smallSample: has && f.smallSample,
    previousText:
      previous && previous.figures.n > 0
        ? `Previous period (${previous.period.fromDay} to ${previous.period.toDay}): NPS ${signed(previous.figures.npsRounded)} (n = ${previous.figures.n}).`
        : undefined,
    comparison,
    split: d.figures.summary.categories.map((c) => ({ label: c.label, n: c.n, share: fixed1(c.share) })),
    responseRate:
      d.figures.responseRate.rate === null
        ? `No invitations were delivered in this period.`
        : `${fixed1(d.figures.responseRate.rate)}% (${d.figures.responseRate.responded} answered of ${d.figures.responseRate.delivered} invitations delivered in the period)`,
    trendSvg: trendSvg(
      rows.map((r) => ({ short: r.short, nps: r.nps, low: r.low, high: r.high, n: r.n, few: r.few })),
      'NPS trend with its 95% band',
    ),
    trendRows: rows,
    detractors: d.detractors.map((c) => ({ ...c, url: `${d.baseUrl}/responses/${c.id}` })),
    promoters: d.promoters.map((c) => ({ ...c, url: `${d.baseUrl}/responses/${c.id}` })),
    oldCases: {
      ...d.oldCases,
      items: d.oldCases.items.map((c) => ({ ...c, url: `${d.baseUrl}/follow-ups/${c.id}` })),
    },
    resultsUrl: d.resultsUrl,
  };
}
export type ReportView = ReturnType<typeof reportView>;

/** The plain-text part: the same figures, in the same words. */
export function reportText(v: ReportView, unsubscribeUrl?: string): string {
  const lines = [v.title, `${v.periodText} (${v.timeZone})`, v.surveysText];
  if (v.filtersText) lines.push(`Filters: ${v.filtersText}`);
  lines.push('');
  if (v.hasResponses) {
    lines.push(
      `NPS ${v.nps} (95% interval ${v.interval}, n = ${v.n})${v.smallSample ? ' - small sample: fewer than 30 responses, read with care' : ''}`,
    );
    if (v.previousText) lines.push(v.previousText);
    if (v.comparison) lines.push(v.comparison.text);
    lines.push('', ...v.split.map((s) => `${s.label}: ${s.n} (${s.share}%)`));
  } else lines.push('No responses in this period, so there is no score to report.');
  lines.push('', `Response rate: ${v.responseRate}`, '', 'Trend:');
  for (const r of v.trendRows) lines.push(`  ${r.label}: ${r.n ? `NPS ${r.nps} (n = ${r.n})` : 'no responses'}`);
  const comments = (title: string, list: ReportView['detractors']) => {
    if (list.length === 0) return;
    lines.push('', title);
    for (const c of list) lines.push(`  ${c.score}/10: "${c.comment.replace(/\s+/g, ' ').slice(0, 300)}" ${c.url}`);
  };
  comments('Newest detractor comments:', v.detractors);
  comments('Newest promoter comments:', v.promoters);
  if (v.oldCases.total > 0) {
    lines.push('', `Open follow-ups older than ${v.oldCases.ageDays} days: ${v.oldCases.total}`);
    for (const c of v.oldCases.items)
      lines.push(`  ${c.surveyName}, score ${c.score}, open ${c.ageDays} days: ${c.url}`);
  }
  lines.push('', `Results page with the same filters: ${v.resultsUrl}`);
  if (unsubscribeUrl) lines.push('', `Stop getting this report: ${unsubscribeUrl}`);
  return lines.join('\n');
}
