import { Router } from 'express';

import { withFilters, type FilterSources } from '../results/results-filters.js';
import { requireRole } from '../web/auth.js';
import type { ExportsService } from './exports.service.js';

/** The results page's CSV download: the same filters as the page, streamed (viewers and up). */
export function exportsRouter(deps: { exports: ExportsService } & FilterSources): Router {
  const router = Router();
  router.get(
    '/surveys/:id/results/export.csv',
    requireRole('viewer'),
    withFilters(
      deps,
      'results/show',
      async (id) => ({ survey: await deps.survey(id), data: undefined }),
      async (req, res, query, { survey }) => {
        res.set('Content-Type', 'text/csv; charset=utf-8');
        res.set('Content-Disposition', `attachment; filename="${deps.exports.fileName(survey.name, query)}"`);
        res.set('Cache-Control', 'no-store');
        await deps.exports.exportCsv({ survey, query, bom: req.query.bom === '1', userId: req.user?.id, out: res });
      },
    ),
  );
  return router;
}
