import { Router } from 'express';

import type { SurveysService } from '../surveys/surveys.service.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { CHAT_KINDS } from './chat-destination.model.js';
import { ruleText } from './chat-rule.js';
import { messages } from './chat.messages.js';
import { destinationInputSchema } from './chat.schemas.js';
import type { ChatNotifications } from './chat.service.js';

export const KIND_LABELS = { slack: 'Slack', teams: 'Microsoft Teams', googlechat: 'Google Chat' } as const;

const RULE_OPTIONS = [
  { value: 'all', label: 'Every counted answer' },
  { value: 'detractors', label: 'Detractors only (0-6 for NPS)' },
  { value: 'maxScore', label: 'Scores up to ...' },
  { value: 'comment', label: 'Only answers with a comment' },
];

/** Admins add chat destinations per survey, test them and read their delivery logs. */
export function chatRouter(deps: { surveys: SurveysService; chat: ChatNotifications }): Router {
  const router = Router();
  const base = (id: string) => `/surveys/${id}/notifications`;
  const page = async (surveyId: string, locals: Record<string, unknown> = {}) => {
    const survey = await deps.surveys.get(surveyId);
    const destinations = (await deps.chat.list(survey.id)).map((d) => ({
      ...d,
      kindLabel: KIND_LABELS[d.kind],
      ruleText: ruleText(d.rule),
    }));
    return {
      title: `Chat notifications: ${survey.name}`,
      survey,
      destinations,
      kinds: CHAT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] })),
      rules: RULE_OPTIONS,
      values: { kind: 'slack', when: 'detractors' },
      ...locals,
    };
  };

  router.get('/surveys/:id/notifications', requireRole('admin'), async (req, res) => {
    res.render('notifications/index', await page(req.params.id as string));
  });

  router.post('/surveys/:id/notifications', requireRole('admin'), async (req, res) => {
    const surveyId = (await deps.surveys.get(req.params.id as string)).id;
    try {
      const input = parseInput(destinationInputSchema, req.body);
      await deps.chat.add({
        surveyId,
        kind: input.kind,
        name: input.name,
        url: input.url,
        rule: {
          when: input.when,
          ...(input.when === 'maxScore' ? { maxScore: input.maxScore } : {}),
          ...(input.segmentKey ? { segmentKey: input.segmentKey, segmentValue: input.segmentValue } : {}),
        },
        includeIdentity: input.includeIdentity,
        createdBy: req.user!.id,
      });
      flash(req, 'success', messages.added);
      res.redirect(303, base(surveyId));
    } catch (err) {
      // The address is a secret: never echoed back into the page.
      const values = { ...typedValues(req.body), url: '' };
      renderInvalid(res, 'notifications/index', err, await page(surveyId, { values }));
    }
  });

  router.get('/surveys/:id/notifications/:destinationId', requireRole('admin'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const log = await deps.chat.log(survey.id, req.params.destinationId as string);
    res.render('notifications/log', {
      title: `Delivery log: ${log.destination.name}`,
      survey,
      ...log,
      kindLabel: KIND_LABELS[log.destination.kind],
    });
  });

  router.post('/surveys/:id/notifications/:destinationId/:action', requireRole('admin'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const id = req.params.destinationId as string;
    const action = req.params.action as string;
    if (action === 'test') {
      const error = await deps.chat.sendTest(survey.id, id, survey.name);
      flash(req, error ? 'error' : 'success', error ? messages.testFailed(error) : messages.testSent);
    } else if (action === 'remove') {
      await deps.chat.remove(survey.id, id);
      flash(req, 'success', messages.removedFlash);
    } else if (action === 'turn-on') {
      await deps.chat.turnOn(survey.id, id);
      flash(req, 'success', messages.turnedOn);
    } else {
      res.status(404).render('errors/404', { title: 'Not found' });
      return;
    }
    res.redirect(303, base(survey.id));
  });

  return router;
}
