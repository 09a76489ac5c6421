import { Router } from 'express';
import { z } from 'zod';

import type { SurveysService } from '../surveys/surveys.service.js';
import { roleAtLeast } from '../vocabulary/roles.js';
import { requireRole } from '../web/auth.js';
import { wholeNumberField } from '../web/form-fields.js';
import { parseInput } from '../web/validate.js';
import { withFilters, type FilterSources } from './results-filters.js';
import { commentsView, resultsView, textQuestionsOf } from './results-view.js';
import type { ResultsService } from './results.service.js';
import type { SaidVsDidService } from './said-vs-did.service.js';

const saidVsDidQuerySchema = z.object({
  window: wholeNumberField(7, 365, 'Choose a window of 7 to 365 days.').default(90),
});

/** The results page, its comments tab and said-vs-did: viewers and up. */
export function resultsRouter(
  deps: { surveys: SurveysService; results: ResultsService; saidVsDid: SaidVsDidService } & Omit<
    FilterSources,
    'survey'
  >,
): Router {
  const router = Router();
  const sources: FilterSources = { ...deps, survey: (id) => deps.surveys.get(id) };

  router.get(
    '/surveys/:id/results',
    requireRole('viewer'),
    withFilters(
      sources,
      'results/show',
      async (id, query) => {
        const { survey, results } = await deps.results.surveyResults(id, query);
        return { survey, data: results };
      },
      (_req, res, query, locals, results) => {
        res.render('results/show', {
          ...locals,
          title: `Results: ${locals.survey.name}`,
          ...resultsView(results, query, { results: locals.resultsUrl, comments: locals.commentsUrl }),
        });
      },
    ),
  );

  router.get(
    '/surveys/:id/results/comments',
    requireRole('viewer'),
    withFilters(
      sources,
      'results/comments',
      async (id, query) => {
        const [survey, comments] = await Promise.all([deps.surveys.get(id), deps.results.comments(id, query)]);
        return { survey, data: comments };
      },
      (req, res, query, locals, comments) => {
        const canManage = roleAtLeast(req.user!.role, 'manager');
        res.render('results/comments', {
          ...locals,
          title: `Comments: ${locals.survey.name}`,
          ...commentsView(
            comments,
            query,
            { results: locals.resultsUrl, comments: locals.commentsUrl },
            locals.survey.type,
          ),
          ...textQuestionsOf(locals.survey, query, locals.commentsUrl),
          canSeeContacts: canManage,
          canTag: canManage,
          back: req.originalUrl,
        });
      },
    ),
  );

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

  return router;
}
