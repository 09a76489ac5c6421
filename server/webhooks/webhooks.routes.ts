import { Router } from 'express';
import { z } from 'zod';

import { maskUrlCredentials } from '../lib/outbound-http.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { WEBHOOK_EVENTS } from './webhook.model.js';
import { messages } from './webhooks.messages.js';
import type { WebhooksService } from './webhooks.service.js';

const webhookInputSchema = z.object({
  url: z.string().trim().min(1, { error: 'Enter the address that should receive the events.' }).max(2000),
  events: z.preprocess(
    (v): unknown[] => (v === undefined ? [] : Array.isArray(v) ? (v as unknown[]) : [v]),
    z
      .array(z.enum(WEBHOOK_EVENTS, { error: 'Choose events from the list.' }))
      .min(1, { error: 'Choose at least one event.' }),
  ),
});

/** Admins register webhook URLs per survey and watch their deliveries. */
export function webhooksRouter(deps: { surveys: SurveysService; webhooks: WebhooksService }): Router {
  const router = Router();
  const page = async (surveyId: string, locals: Record<string, unknown> = {}) => {
    const survey = await deps.surveys.get(surveyId);
    return {
      title: `Webhooks: ${survey.name}`,
      survey,
      hooks: await deps.webhooks.list(survey.id),
      deliveries: await deps.webhooks.deliveries(survey.id),
      events: WEBHOOK_EVENTS,
      values: { events: [...WEBHOOK_EVENTS] },
      ...locals,
    };
  };

  router.get('/surveys/:id/webhooks', requireRole('admin'), async (req, res) => {
    res.render('webhooks/index', await page(req.params.id as string));
  });

  router.post('/surveys/:id/webhooks', requireRole('admin'), async (req, res) => {
    // 404 for a survey that does not exist (or a malformed id) before anything is read or stored.
    const surveyId = (await deps.surveys.get(req.params.id as string)).id;
    try {
      const input = parseInput(webhookInputSchema, req.body);
      const created = await deps.webhooks.register({
        surveyId,
        url: input.url,
        events: input.events,
        createdBy: req.user!.id,
      });
      res.set('Cache-Control', 'no-store');
      res
        .status(201)
        .render(
          'webhooks/index',
          await page(surveyId, { created: { url: maskUrlCredentials(input.url), secret: created.secret } }),
        );
    } catch (err) {
      const values = typedValues(req.body);
      if (typeof values.url === 'string') values.url = maskUrlCredentials(values.url);
      renderInvalid(res, 'webhooks/index', err, await page(surveyId, { values }));
    }
  });

  router.post('/surveys/:id/webhooks/:hookId/remove', requireRole('admin'), async (req, res) => {
    const surveyId = (await deps.surveys.get(req.params.id as string)).id;
    await deps.webhooks.remove(surveyId, req.params.hookId as string);
    flash(req, 'success', messages.removedFlash);
    res.redirect(303, `/surveys/${surveyId}/webhooks`);
  });

  return router;
}
