import { Router } from 'express';

import { ConflictError, ValidationError } from '../lib/errors.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { DEFAULT_THROTTLE_DAYS } from '../vocabulary/defaults.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { SKIP_LABELS, SKIP_REASONS } from './eligibility.js';
import type { SendQueue } from './send-queue.service.js';
import { messages } from './sending.messages.js';
import { audienceFormSchema, audienceOptionsOf } from './sending.schemas.js';

/** The send page (check who will get it, then send), the progress counts and "resend uncertain". */
export function sendingRouter(deps: {
  surveys: SurveysService;
  sendQueue: SendQueue;
  propertyKeys: () => Promise<string[]>;
}): Router {
  const { surveys, sendQueue } = deps;
  const router = Router();

  router.get('/surveys/:id/send', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const propertyKeys = await deps.propertyKeys();
    const values = { sampleMode: 'all', throttleDays: DEFAULT_THROTTLE_DAYS, ...typedValues(req.query) };
    const locals = { title: `Send ${survey.name}`, survey, propertyKeys, values };
    if (req.query.check === undefined) return res.render('surveys/send', locals);
    try {
      const form = parseInput(audienceFormSchema, req.query);
      const plan = await sendQueue.planAudience(survey.id, audienceOptionsOf(form));
      const skipped = SKIP_REASONS.map((reason) => ({ reason: SKIP_LABELS[reason], n: plan.skipped[reason] })).filter(
        (s) => s.n > 0,
      );
      res.render('surveys/send', {
        ...locals,
        plan,
        skipped,
        hidden: Object.entries(form)
          .filter(([k]) => k !== 'check')
          .map(([name, value]) => ({ name, value })),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('surveys/send', {
        ...locals,
        errors: err.fields,
        formError: 'Please correct the fields marked below.',
      });
    }
  });

  router.post('/surveys/:id/send', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const form = parseInput(audienceFormSchema, req.body);
    try {
      // Only records the request: a send worker creates the invitations, so this returns at once
      // however large the audience.
      await sendQueue.requestQueue(survey.id, audienceOptionsOf(form), req.user!.id);
      flash(req, 'success', messages.sendingStarted);
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof ValidationError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, `/surveys/${survey.id}`);
  });

  router.get('/surveys/:id/progress.json', requireRole('viewer'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string); // 404 for a survey that does not exist
    res.json(await sendQueue.progress(survey.id));
  });

  router.post('/surveys/:id/resend-uncertain', requireRole('manager'), async (req, res) => {
    const n = await sendQueue.resendUncertain(req.params.id as string);
    flash(
      req,
      'success',
      `${n} uncertain invitation${n === 1 ? '' : 's'} queued again. Some recipients may now get the survey twice.`,
    );
    res.redirect(303, `/surveys/${req.params.id as string}`);
  });

  return router;
}
