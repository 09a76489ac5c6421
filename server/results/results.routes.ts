import { Router } from 'express';
import { ValidationError } from '../lib/errors.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { requireRole, roleAtLeast } from '../web/auth.js';
import { parseInput } from '../web/validate.js';
import { RANGE_PRESETS, resultsQuerySchema, type ResultsQuery } from './results.schemas.js';
import type { ResultsService, SurveyResults } from './results.service.js';
import { REPURCHASE_LABELS } from './summary.js';

const RANGE_LABELS: Record<(typeof RANGE_PRESETS)[number], string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '12m': 'Last 12 months',
  all: 'All time',
  custom: 'Custom dates',
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
  const distribution = summary.distribution.map((d, i) => ({ ...d, x: i * 9.09 + 0.5, width: 8, height: (100 * d.n) / max, y: 100 - (100 * d.n) / max }));
  return { stacked, distribution };
}

/** +3.2 / −3.2 (a real minus sign) / 0.0 */
function changeText(change: number | null | undefined): string {
  if (change === null || change === undefined) return '';
  const text = Math.abs(change).toFixed(1);
  return change > 0 && text !== '0.0' ? `+${text}` : change < 0 && text !== '0.0' ? `\u2212${text}` : text;
}

/** The query string of the current filters with some changed (for preset links and paging). */
function urlWith(base: string, query: Record<string, string | number | undefined>, changes: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '' && !(key === 'page' && value === 1) && !(key === 'comments' && value === 'all')) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export function resultsRouter(deps: { surveys: SurveysService; results: ResultsService; propertyKeys: () => Promise<string[]>; timeZone: string }): Router {
  const router = Router();

  router.get('/surveys/:id/results', requireRole('viewer'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const base = `/surveys/${survey.id}/results`;
    const propertyKeys = await deps.propertyKeys();
    const common = {
      title: `Results: ${survey.name}`,
      survey,
      rangeOptions: RANGE_PRESETS.map((value) => ({ value, label: RANGE_LABELS[value] })),
      propertyKeys,
      timeZone: deps.timeZone,
    };
    let query: ResultsQuery;
    try {
      query = parseInput(resultsQuerySchema, req.query, 'These filters cannot be used.');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return res.status(400).render('results/show', { ...common, values: req.query, errors: err.fields, formError: `${err.message} Correct the filters and apply them again.` });
    }
    const results = await deps.results.surveyResults(survey.id, query);
    const current = { ...query, page: results.comments.page };
    res.render('results/show', {
      ...common,
      values: query,
      results,
      charts: chartsOf(results),
      changeText: changeText(results.previous?.change),
      repurchaseColumns: [...Object.values(REPURCHASE_LABELS), 'Not answered'],
      presetLinks: RANGE_PRESETS.filter((r) => r !== 'custom').map((r) => ({ label: RANGE_LABELS[r], url: urlWith(base, current, { range: r, from: undefined, to: undefined, page: 1 }), current: query.range === r })),
      commentFilters: (['all', 'detractor', 'passive', 'promoter'] as const).map((c) => ({ label: c === 'all' ? 'All' : `${c[0]!.toUpperCase()}${c.slice(1)}s`, url: urlWith(base, current, { comments: c, page: 1 }), current: query.comments === c })),
      prevPage: results.comments.page > 1 ? urlWith(base, current, { page: results.comments.page - 1 }) : undefined,
      nextPage: results.comments.page < results.comments.pages ? urlWith(base, current, { page: results.comments.page + 1 }) : undefined,
      canSeeContacts: roleAtLeast(req.user!.role, 'manager'),
    });
  });

  return router;
}
