import { Router } from 'express';

import { autopilotSettingsSchema } from '../surveys/autopilot.schemas.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { settingsPage } from '../web/settings-page.js';
import { messages } from './autopilot.messages.js';
import type { AutopilotService } from './autopilot.service.js';

const dayLabel = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  timeZone: 'UTC',
});
const SKIP_NAMES: Record<string, string> = {
  unsubscribed: 'unsubscribed',
  suppressed: 'suppressed',
  not_sampled: 'not in the sample',
};

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

  settingsPage(router, {
    name: 'autopilot',
    view: 'autopilot/show',
    roles: { view: 'viewer', edit: 'manager' },
    schema: autopilotSettingsSchema,
    page,
    save: async (surveyId, input) => {
      await deps.autopilot.update(surveyId, input);
      return input.enabled ? messages.saved : messages.off;
    },
    typed: (body) => ({ enabled: body.enabled === 'on' }),
  });

  return router;
}
