import { Router } from 'express';

import type { SurveysService } from '../surveys/surveys.service.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { parseInput } from '../web/validate.js';
import { reviewDecisionSchema } from './response.schemas.js';
import { messages } from './responses.messages.js';
import type { ReviewService } from './review.service.js';

/**
 * Responses flagged as automated, for a manager to accept (they then count in every figure) or
 * discard (kept, never counted). Viewers may look; deciding needs a manager.
 */
export function reviewRouter(deps: { surveys: SurveysService; reviews: ReviewService }): Router {
  const router = Router();

  router.get('/surveys/:id/review', requireRole('viewer'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const flagged = await deps.reviews.flagged(survey.id);
    res.render('surveys/review', { title: `Flagged responses: ${survey.name}`, survey, flagged });
  });

  router.post('/surveys/:id/review/:responseId', requireRole('manager'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const { decision } = parseInput(reviewDecisionSchema, req.body);
    const done = await deps.reviews.decide({
      surveyId: survey.id,
      responseId: req.params.responseId as string,
      decision,
      userId: req.user!.id,
    });
    if (done)
      flash(
        req,
        'success',
        decision === 'accept'
          ? 'Response accepted: it now counts in the figures.'
          : 'Response discarded: it stays stored but never counts.',
      );
    else flash(req, 'error', messages.reviewDecided);
    res.redirect(303, `/surveys/${survey.id}/review`);
  });

  return router;
}
