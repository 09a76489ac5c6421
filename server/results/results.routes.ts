import { Router, type Request, type Response } from 'express';
import { z } from 'zod';

import type { ExportsService } from '../exports/exports.service.js';
import { ValidationError } from '../lib/errors.js';
import type { TagsService } from '../responses/tags.service.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { roleAtLeast } from '../vocabulary/roles.js';
import { requireRole } from '../web/auth.js';
import { wholeNumberField } from '../web/form-fields.js';
import { parseInput } from '../web/validate.js';
import { RANGE_PRESETS, resultsQuerySchema, type ResultsQuery } from './results.schemas.js';
import type { ResultsService, SurveyResults } from './results.service.js';
import type { SaidVsDidService } from './said-vs-did.service.js';
import type { TrendInterval } from './trend.js';

const tagInputSchema = z.object({
  tag: z.string().trim().min(1, { error: 'Type a tag.' }).max(50, { error: 'Use at most 50 characters.' }),
  action: z.enum(['add', 'remove'], { error: 'Unknown action.' }),
  // Where to go back to: only a results page of this app.
  back: z.string().regex(/^\/surveys\/[a-f0-9]{24}\/results[^\s]*$/, { error: 'Unknown page.' }),
});

const saidVsDidQuerySchema = z.object({
  window: wholeNumberField(7, 365, 'Choose a window of 7 to 365 days.').default(90),
});

const RANGE_LABELS: Record<(typeof RANGE_PRESETS)[number], string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '12m': 'Last 12 months',
  all: 'All time',
  custom: 'Custom dates',
};
const INTERVAL_LABELS: Record<TrendInterval, string> = {
  day: 'Day',
  week: 'Week',
  month: 'Month',
  rolling: 'Trailing 90 days',
};

/** Widths and offsets (in %) for the server-drawn SVG bars: they need no script and no inline style. */
function chartsOf(results: SurveyResults) {
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

/** +3.2 / −3.2 (a real minus sign) / 0.0 */
function changeText(change: number | null | undefined): string {
  if (change === null || change === undefined) return '';
  const text = Math.abs(change).toFixed(1);
  return change > 0 && text !== '0.0' ? `+${text}` : change < 0 && text !== '0.0' ? `\u2212${text}` : text;
}

/** The plain-words warning when some groups answered significantly more or less often. */
function skewOf(results: SurveyResults): { skewed: boolean; skewedText?: string } {
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

type QueryValues = Record<string, string | number | undefined>;

/** The filters both tabs share (and the CSV export uses), as URL values. */
const filtersOf = (query: ResultsQuery): QueryValues => ({
  range: query.range,
  from: query.from,
  to: query.to,
  prop: query.prop,
  value: query.value,
  channel: query.channel,
  tag: query.tag,
});

/** The address of the current view with some filters changed (for preset links, tabs and paging). */
function urlWith(base: string, query: QueryValues, changes: QueryValues): string {
  const defaults: QueryValues = { page: 1, comments: 'all', interval: 'auto' };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '' && defaults[key] !== value) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export function resultsRouter(deps: {
  surveys: SurveysService;
  results: ResultsService;
  exports: ExportsService;
  saidVsDid: SaidVsDidService;
  tags: TagsService;
  propertyKeys: (surveyId: string) => Promise<string[]>;
  timeZone: string;
}): Router {
  const router = Router();

  /** Parses the filters, or renders the page with the messages beside them (400). */
  async function withFilters(
    req: Request,
    res: Response,
    view: string,
    render: (survey: SurveyDetail, query: ResultsQuery, common: Record<string, unknown>) => Promise<void>,
  ) {
    const survey = await deps.surveys.get(req.params.id as string);
    const [propertyKeys, tags] = await Promise.all([deps.propertyKeys(survey.id), deps.tags.list()]);
    const common = {
      survey,
      rangeOptions: RANGE_PRESETS.map((value) => ({ value, label: RANGE_LABELS[value] })),
      propertyKeys,
      tags,
      timeZone: deps.timeZone,
      resultsUrl: `/surveys/${survey.id}/results`,
      commentsUrl: `/surveys/${survey.id}/results/comments`,
    };
    let query: ResultsQuery;
    try {
      query = parseInput(resultsQuerySchema, req.query, 'These filters cannot be used.');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render(view, {
        ...common,
        title: `Results: ${survey.name}`,
        values: req.query,
        errors: err.fields,
        formError: `${err.message} Correct the filters and apply them again.`,
      });
      return;
    }
    await render(survey, query, common);
  }

  router.get('/surveys/:id/results', requireRole('viewer'), (req, res) =>
    withFilters(req, res, 'results/show', async (survey, query, common) => {
      const results = await deps.results.surveyResults(survey.id, query);
      const base = common.resultsUrl as string;
      const filters = filtersOf(query);
      const current: QueryValues = { ...filters, interval: query.interval, segment: query.segment };
      const trendRows = results.trend.points.map((p) => ({
        label: p.from === p.to ? p.from : `${p.from} – ${p.to}`,
        short: results.trend.interval === 'month' ? p.key : results.trend.interval === 'rolling' ? p.to : p.from,
        nps: p.figures.npsRounded,
        low: p.figures.n > 0 ? Number(p.figures.interval.low.toFixed(1)) : null,
        high: p.figures.n > 0 ? Number(p.figures.interval.high.toFixed(1)) : null,
        n: p.figures.n,
        few: p.few,
      }));
      const trendTable = trendRows.map((row) => ({
        ...row,
        range: row.low === null ? '' : `${row.low.toFixed(1)} to ${(row.high ?? 0).toFixed(1)}`,
      }));
      res.render('results/show', {
        ...common,
        title: `Results: ${survey.name}`,
        values: query,
        results,
        charts: chartsOf(results),
        changeText: changeText(results.previous?.change),
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
        trendRows: trendTable,
        trendData: { interval: results.trend.interval, points: trendRows },
        commentsLink: urlWith(common.commentsUrl as string, filters, {}),
        exportLink: urlWith(`${base}/export.csv`, filters, {}),
        exportLinkBom: urlWith(`${base}/export.csv`, filters, { bom: 1 }),
        clearSegmentUrl: urlWith(base, current, { segment: undefined }),
        ...skewOf(results),
      });
    }),
  );

  router.get('/surveys/:id/results/comments', requireRole('viewer'), (req, res) =>
    withFilters(req, res, 'results/comments', async (survey, query, common) => {
      const comments = await deps.results.comments(survey.id, query);
      const base = common.commentsUrl as string;
      const filters = filtersOf(query);
      const current: QueryValues = { ...filters, comments: query.comments, page: comments.page };
      res.render('results/comments', {
        ...common,
        title: `Comments: ${survey.name}`,
        values: query,
        comments,
        resultsLink: urlWith(common.resultsUrl as string, filters, {}),
        commentFilters: (['all', 'detractor', 'passive', 'promoter'] as const).map((c) => ({
          label: c === 'all' ? 'All' : `${c[0]!.toUpperCase()}${c.slice(1)}s`,
          url: urlWith(base, current, { comments: c, page: 1 }),
          current: query.comments === c,
        })),
        prevPage: comments.page > 1 ? urlWith(base, current, { page: comments.page - 1 }) : undefined,
        nextPage: comments.page < comments.pages ? urlWith(base, current, { page: comments.page + 1 }) : undefined,
        canSeeContacts: roleAtLeast(req.user!.role, 'manager'),
        canTag: roleAtLeast(req.user!.role, 'manager'),
        back: req.originalUrl,
      });
    }),
  );

  router.post('/responses/:id/tags', requireRole('manager'), async (req, res) => {
    const input = parseInput(tagInputSchema, req.body);
    await deps.tags.tag(req.params.id as string, input.tag, input.action === 'add');
    res.redirect(303, input.back);
  });

  router.get('/surveys/:id/results/said-vs-did', requireRole('viewer'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const { window: windowDays } = parseInput(saidVsDidQuerySchema, req.query);
    const data = await deps.saidVsDid.compute(survey.id, windowDays);
    res.render('results/said-vs-did', {
      title: `Said vs did: ${survey.name}`,
      survey,
      data,
      windowOptions: [30, 60, 90, 180, 365].map((value) => ({ value, current: value === windowDays })),
      resultsUrl: `/surveys/${survey.id}/results`,
      commentsUrl: `/surveys/${survey.id}/results/comments`,
      canSeeContacts: roleAtLeast(req.user!.role, 'manager'),
    });
  });

  router.get('/surveys/:id/results/export.csv', requireRole('viewer'), (req, res) =>
    withFilters(req, res, 'results/show', async (survey, query) => {
      res.set('Content-Type', 'text/csv; charset=utf-8');
      res.set('Content-Disposition', `attachment; filename="${deps.exports.fileName(survey.name, query)}"`);
      res.set('Cache-Control', 'no-store');
      await deps.exports.exportCsv({ survey, query, bom: req.query.bom === '1', userId: req.user?.id, out: res });
    }),
  );

  return router;
}
