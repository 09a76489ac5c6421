import { Router } from 'express';

import { ConflictError, ValidationError } from '../lib/errors.js';
import { DeliveryError, type Mailer } from '../sending/mailer.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { parseInput } from '../web/validate.js';
import { FOLLOWUP_OUTCOMES } from './followup.model.js';
import { messages } from './followups.messages.js';
import { actionSchema, listQuerySchema, replySchema } from './followups.schemas.js';
import type { FollowUpsService } from './followups.service.js';

const OUTCOME_LABELS: Record<(typeof FOLLOWUP_OUTCOMES)[number], string> = {
  resolved: 'Resolved',
  no_contact: 'Could not reach them',
  churned: 'Customer left',
};

/** The follow-ups pages: everyone may read; managers and admins work the cases. */
export function followUpsRouter(deps: {
  followUps: FollowUpsService;
  surveyOptions: () => Promise<{ id: string; name: string }[]>;
  ownerOptions: () => Promise<{ id: string; name: string }[]>;
  now: () => Date;
  mail: { mailer: Mailer; mailFrom: string; baseUrl: string };
}): Router {
  const router = Router();

  router.get('/follow-ups', requireRole('viewer'), async (req, res) => {
    const query = parseInput(listQuerySchema, req.query);
    const [cases, timings, surveys, owners] = await Promise.all([
      deps.followUps.list({ status: query.status, surveyId: query.survey, ownerId: query.owner }),
      deps.followUps.timings(new Date(deps.now().getTime() - 90 * 86_400_000)),
      deps.surveyOptions(),
      deps.ownerOptions(),
    ]);
    res.render('followups/index', { title: 'Follow-ups', cases, timings, surveys, owners, values: query });
  });

  router.get('/follow-ups/:id', requireRole('viewer'), async (req, res) => {
    const item = await deps.followUps.get(req.params.id as string);
    res.render('followups/show', {
      title: `Follow-up: ${item.survey.name}`,
      item,
      outcomes: FOLLOWUP_OUTCOMES.map((value) => ({ value, label: OUTCOME_LABELS[value] })),
      outcomeLabel: item.outcome ? OUTCOME_LABELS[item.outcome] : undefined,
    });
  });

  router.post('/follow-ups/:id', requireRole('manager'), async (req, res) => {
    const id = req.params.id as string;
    try {
      const input = parseInput(actionSchema, req.body);
      const action =
        input.action === 'assign'
          ? { kind: 'assign' as const, ownerId: input.ownerId }
          : input.action === 'note'
            ? { kind: 'note' as const, text: input.text }
            : input.action === 'close'
              ? { kind: 'close' as const, outcome: input.outcome }
              : { kind: input.action };
      await deps.followUps.act(id, req.user!.id, action);
      flash(req, 'success', messages.done[input.action]);
    } catch (err) {
      if (!(err instanceof ValidationError) && !(err instanceof ConflictError)) throw err;
      flash(req, 'error', err instanceof ValidationError ? (Object.values(err.fields)[0] ?? err.message) : err.message);
    }
    res.redirect(303, `/follow-ups/${id}`);
  });

  router.post('/follow-ups/:id/reply', requireRole('manager'), async (req, res) => {
    const id = req.params.id as string;
    try {
      const input = parseInput(replySchema, req.body);
      const to = await deps.followUps.reply(id, req.user!.id, { ...input, ...deps.mail });
      flash(req, 'success', messages.replySent(to, deps.mail.mailer.kind === 'outbox'));
    } catch (err) {
      if (err instanceof ValidationError) flash(req, 'error', Object.values(err.fields)[0] ?? err.message);
      else if (err instanceof DeliveryError) flash(req, 'error', messages.replyFailed(err.message));
      else throw err;
    }
    res.redirect(303, `/follow-ups/${id}`);
  });

  return router;
}
