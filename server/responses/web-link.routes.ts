import type express from 'express';
import type { Request, Response, Router } from 'express';

import { pickLanguage } from '../vocabulary/languages.js';
import { WORDING } from '../vocabulary/wording.js';
import { fieldErrorsOf } from '../web/validate.js';
import { errorsOf, givenIn, typedValues, type RespondPages } from './respond-pages.js';
import { answerInputSchema, linkScoreSchema } from './response.schemas.js';
import type { ResponsesService } from './responses.service.js';

/**
 * A survey's anonymous web link, /s/<id>: the same page without a contact (channel `link`), in the
 * browser's language where we have it. Each answer is anonymous and final; the hourly per-client
 * limit and the page's one-time key keep a form from being sent in bulk.
 */
export function webLinkRoutes(
  router: Router,
  deps: {
    responses: ResponsesService;
    pages: RespondPages;
    body: express.RequestHandler;
    limiter: express.RequestHandler;
  },
): void {
  const { responses, pages } = deps;
  const langOf = (req: Request, survey: { language: string }) =>
    pickLanguage(req.acceptsLanguages(...['en', 'de']) || '', survey.language);

  async function show(req: Request, res: Response, linkScore: string | undefined) {
    const id = req.params.id as string;
    const found = await responses.lookupWebLink(id);
    if (found.state === 'invalid') return pages.invalid(req, res);
    if (found.state === 'closed') return pages.gone(res, 'closed', found.survey, '');
    const score = linkScore === undefined ? undefined : linkScoreSchema.safeParse(linkScore);
    const values = { score: score?.success ? score.data : undefined };
    pages.form(res, {
      lang: langOf(req, found.survey),
      survey: found.survey,
      action: `/s/${id}`,
      values,
      webLink: true,
    });
  }

  router.get('/s/:id/thanks', async (req, res) => {
    const found = await responses.lookupWebLink(req.params.id);
    if (found.state === 'invalid') return pages.invalid(req, res);
    pages.thanks(res, { lang: langOf(req, found.survey), survey: found.survey });
  });
  router.get('/s/:id', (req, res) => show(req, res, undefined));
  router.get('/s/:id/:score', (req, res) => show(req, res, req.params.score));

  router.post('/s/:id', deps.limiter, deps.body, async (req, res) => {
    const id = req.params.id as string;
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const parsed = answerInputSchema.safeParse(raw);
    const found = await responses.lookupWebLink(id);
    if (found.state === 'invalid') return pages.invalid(req, res);
    if (found.state === 'closed') return pages.gone(res, 'closed', found.survey, '');
    const lang = langOf(req, found.survey);
    const page = {
      status: 400,
      lang,
      survey: found.survey,
      action: `/s/${id}`,
      values: typedValues(raw),
      webLink: true,
    };
    if (!parsed.success) return pages.form(res, { ...page, errors: errorsOf(fieldErrorsOf(parsed.error), lang) });
    const outcome = await responses.answerWebLink({ webLinkId: id, answer: parsed.data, given: givenIn(raw), lang });
    if (outcome.kind === 'invalid') return pages.invalid(req, res);
    if (outcome.kind === 'rejected') {
      const { score, ...questionErrors } = outcome.errors;
      return pages.form(res, { ...page, errors: score ? { score } : {}, questionErrors });
    }
    if (outcome.kind === 'closed') return pages.gone(res, 'closed', outcome.survey, '');
    if (outcome.kind === 'bad-stamp')
      return pages.form(res, { ...page, errors: { stamp: WORDING[lang].page.errors.stamp } });
    res.redirect(303, `/s/${id}/thanks`);
  });
}
