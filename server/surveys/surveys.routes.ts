import { Router } from 'express';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { surveyInputSchema } from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

export function surveysRouter(deps: { surveys: SurveysService }): Router {
  const { surveys } = deps;
  const router = Router();

  router.get('/surveys', requireRole('viewer'), async (_req, res) => {
    res.render('surveys/index', { title: 'Surveys', surveys: await surveys.list() });
  });

  router.get('/surveys/new', requireRole('manager'), (_req, res) => {
    res.render('surveys/new', { title: 'New survey', values: {} });
  });

  router.post('/surveys', requireRole('manager'), async (req, res) => {
    try {
      const input = parseInput(surveyInputSchema, req.body);
      const survey = await surveys.create(input, req.user!.id);
      flash(req, 'success', `Survey "${survey.name}" created as a draft.`);
      res.redirect(303, '/surveys');
    } catch (err) {
      renderInvalid(res, 'surveys/new', err, { title: 'New survey', values: typedValues(req.body) });
    }
  });

  return router;
}
