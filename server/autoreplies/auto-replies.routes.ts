import { Router } from 'express';

import type { SurveysService } from '../surveys/surveys.service.js';
import { CATEGORY_LABELS, NPS_CATEGORIES, type NpsCategory } from '../vocabulary/answers.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { autoRepliesInputSchema } from './auto-replies.schemas.js';
import type { AutoReplies } from './auto-replies.service.js';
import type { ReplySetting } from './auto-reply-text.js';

/** Managers set a survey's automatic replies per category and its review link. */
export function autoRepliesRouter(deps: { surveys: SurveysService; replies: AutoReplies }): Router {
  const router = Router();
  const page = async (id: string, locals: Record<string, unknown> = {}) => {
    const survey = await deps.surveys.get(id);
    const replies = await deps.replies.settingsOf(survey.id);
    const values: Record<string, unknown> = { reviewUrl: survey.reviewUrl };
    for (const c of NPS_CATEGORIES) {
      values[`${c}_enabled`] = replies[c].enabled;
      values[`${c}_subject`] = replies[c].subject;
      values[`${c}_body`] = replies[c].body;
      values[`${c}_delay`] = String(replies[c].delayMinutes);
    }
    return {
      title: `Automatic replies: ${survey.name}`,
      survey,
      categories: NPS_CATEGORIES.map((c) => ({ key: c, label: CATEGORY_LABELS[c] })),
      values,
      ...locals,
    };
  };

  router.get('/surveys/:id/auto-replies', requireRole('manager'), async (req, res) => {
    res.render('autoreplies/edit', await page(req.params.id as string));
  });

  router.post('/surveys/:id/auto-replies', requireRole('manager'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    try {
      const input = parseInput(autoRepliesInputSchema, req.body) as Record<string, unknown>;
      const replies = Object.fromEntries(
        NPS_CATEGORIES.map((c) => [
          c,
          {
            enabled: input[`${c}_enabled`] === true,
            subject: String(input[`${c}_subject`]),
            body: String(input[`${c}_body`]),
            delayMinutes: Number(input[`${c}_delay`]),
          },
        ]),
      ) as Record<NpsCategory, ReplySetting>;
      await deps.replies.save(survey.id, replies, String(input.reviewUrl));
      flash(req, 'success', 'Automatic replies saved. They apply to answers given from now on.');
      res.redirect(303, `/surveys/${survey.id}/auto-replies`);
    } catch (err) {
      const values = typedValues(req.body);
      renderInvalid(res, 'autoreplies/edit', err, { ...(await page(survey.id)), values });
    }
  });

  return router;
}
