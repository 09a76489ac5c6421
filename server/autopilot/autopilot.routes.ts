import { Router } from 'express';
import { ConflictError } from '../lib/errors.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { autopilotSettingsSchema } from './autopilot.schemas.js';
import type { AutopilotService } from './autopilot.service.js';

const dayLabel = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const SKIP_NAMES: Record<string, string> = { unsubscribed: 'unsubscribed', suppressed: 'suppressed', not_sampled: 'not in the sample' };

/** The autopilot page: the schedule's settings and what it will send in the next 7 days. */
export function autopilotRouter(deps: { surveys: SurveysService; autopilot: AutopilotService }): Router {
  const router = Router();

  const page = async (surveyId: string, locals: Record<string, unknown> = {}) => {
    const survey = await deps.surveys.get(surveyId);
    const forecast = await deps.autopilot.forecast(survey.id);
    const s = forecast.settings;
    return {
      title: `Autopilot: ${survey.name}`,
      survey,
      settings: s,
      values: { ...s, dailyCap: s.dailyCap ?? '' },
      forecast: {
        ...forecast,
        rows: forecast.rows.map((r) => ({
          ...r,
          label: dayLabel.format(new Date(`${r.day}T12:00:00Z`)),
          skippedText: [...r.skipped]
            .filter(([, n]) => n > 0)
            .map(([reason, n]) => `${n} ${SKIP_NAMES[reason] ?? reason}`)
            .join(', '),
        })),
      },
      ...locals,
    };
  };

  router.get('/surveys/:id/autopilot', requireRole('viewer'), async (req, res) => {
    res.render('autopilot/show', await page(req.params.id as string));
  });

  router.post('/surveys/:id/autopilot', requireRole('manager'), async (req, res) => {
    const surveyId = req.params.id as string;
    try {
      const input = parseInput(autopilotSettingsSchema, req.body);
      await deps.autopilot.update(surveyId, input);
      flash(req, 'success', input.enabled ? 'Autopilot saved. Workers queue what is due every minute; the forecast below shows the next 7 days.' : 'Autopilot is off: nothing more is scheduled.');
      res.redirect(303, `/surveys/${surveyId}/autopilot`);
    } catch (err) {
      if (err instanceof ConflictError) {
        flash(req, 'error', err.message);
        return res.redirect(303, `/surveys/${surveyId}/autopilot`);
      }
      const body = req.body as Record<string, unknown>;
      renderInvalid(res, 'autopilot/show', err, await page(surveyId, { values: { ...typedValues(body), enabled: body.enabled === 'on' } }));
    }
  });

  return router;
}
