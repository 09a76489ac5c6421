import express, { Router, type Request, type Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import { pickLanguage } from '../vocabulary/languages.js';
import { WORDING } from '../vocabulary/wording.js';
import { fieldErrorsOf } from '../web/validate.js';
import { scoreProblem } from './extra-answers.js';
import type { OpenInvitation } from './respond-lookup.js';
import { clientKeyOf, errorsOf, formValuesOf, givenIn, RespondPages, typedValues } from './respond-pages.js';
import { answerInputSchema, linkScoreSchema } from './response.schemas.js';
import type { ResponsesService } from './responses.service.js';
import { webLinkRoutes } from './web-link.routes.js';

/**
 * The pages a customer reaches from the survey email (`/r/<token>/<score>`) and from a survey's
 * anonymous web link (`/s/<id>`). GET and HEAD render pages and never write an answer; only the
 * form's POST does (server/responses/README.md). Mounted before the session middleware: no cookie,
 * no CSRF token; the unguessable token in the address is the authentication.
 */
export function respondRouter(deps: {
  responses: ResponsesService;
  tokenLimiter: RateLimitRequestHandler;
  webLinkLimiter: express.RequestHandler;
}): Router {
  const router = Router();
  const pages = new RespondPages({ newStamp: () => deps.responses.newStamp(), tokenLimiter: deps.tokenLimiter });
  // Up to 5 additional questions of up to 10 options each, with the standard fields.
  const body = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 80 });
  router.use(['/r', '/s'], (_req, res, next) => {
    res.set('Referrer-Policy', 'no-referrer');
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    next();
  });
  emailLinkRoutes(router, deps.responses, pages, body);
  webLinkRoutes(router, { responses: deps.responses, pages, body, limiter: deps.webLinkLimiter });
  return router;
}

type Deps = { responses: ResponsesService; pages: RespondPages };

const langOf = (found: { contactLocale: string; survey: { language: string } }) =>
  pickLanguage(found.contactLocale, found.survey.language);

/** The survey email's links: /r/<token>/<score>, its thank-you page, and the hidden honeypot link. */
function emailLinkRoutes(
  router: Router,
  responses: ResponsesService,
  pages: RespondPages,
  body: express.RequestHandler,
): void {
  // The hidden link in the email (no person can see or reach it): whoever fetches it is a machine.
  router.get('/r/:token/check', async (req, res) => {
    await responses.recordHoneypot(req.params.token, clientKeyOf(req));
    res.status(204).end();
  });

  router.get('/r/:token/thanks', async (req, res) => {
    const found = await responses.lookupInvitation(req.params.token);
    if (found.state === 'invalid') return pages.invalid(req, res);
    if (found.state !== 'open') return pages.gone(res, found.state, found.survey, found.contactLocale);
    const { survey, answer, editableUntil } = found;
    pages.thanks(res, { lang: langOf(found), survey, answer, editableUntil, changeUrl: `/r/${req.params.token}` });
  });

  router.get('/r/:token', (req, res) => showForm({ responses, pages }, req, res, undefined));
  router.get('/r/:token/:score', (req, res) => showForm({ responses, pages }, req, res, req.params.score));
  router.post('/r/:token', body, (req, res) => saveAnswer({ responses, pages }, req, res));
}

/** The form, with the clicked score chosen (not yet saved), or the stored answer while it may be changed. */
async function showForm({ responses, pages }: Deps, req: Request, res: Response, linkScore: string | undefined) {
  const token = req.params.token as string;
  const found = await responses.lookupInvitation(token);
  if (found.state === 'invalid') return pages.invalid(req, res);
  if (found.state !== 'open') return pages.gone(res, found.state, found.survey, found.contactLocale);
  // A page view is a click event, never an answer; HEAD (link checkers) is not even a click.
  if (req.method === 'GET') await responses.recordClick(found.invitationId);
  const lang = langOf(found);
  const page = { lang, survey: found.survey, action: `/r/${token}` };
  if (found.answer && !found.editableUntil)
    return pages.thanks(res, { lang, survey: found.survey, answer: found.answer, locked: true });
  if (found.answer && found.editableUntil) {
    return pages.form(res, {
      ...page,
      values: formValuesOf(found.answer),
      stored: { answer: found.answer, editableUntil: found.editableUntil },
    });
  }
  const score = linkScore === undefined ? undefined : linkScoreSchema.safeParse(linkScore);
  const offScale = score?.success ? scoreProblem(found.survey.type, score.data, lang) : undefined;
  if (score && (!score.success || offScale))
    return pages.form(res, {
      ...page,
      status: 400,
      values: {},
      errors: { score: offScale ?? scoreProblem(found.survey.type, -1, lang) ?? WORDING[lang].page.errors.score },
    });
  pages.form(res, { ...page, values: { score: score?.data }, autosave: score !== undefined });
}

/** The form's POST: the only way an answer is written. Autosaves get a bare status, never a page. */
async function saveAnswer({ responses, pages }: Deps, req: Request, res: Response) {
  const token = req.params.token as string;
  const raw = (req.body ?? {}) as Record<string, unknown>;
  const parsed = answerInputSchema.safeParse(raw);
  if (!parsed.success) {
    const found = await responses.lookupInvitation(token);
    if (found.state === 'invalid') return pages.invalid(req, res);
    if (found.state !== 'open') return pages.gone(res, found.state, found.survey, found.contactLocale);
    if (raw.autosave === '1') return res.status(400).end();
    const lang = langOf(found);
    const errors = errorsOf(fieldErrorsOf(parsed.error), lang);
    return pages.form(res, {
      status: 400,
      lang,
      survey: found.survey,
      action: `/r/${token}`,
      values: typedValues(raw),
      errors,
      stored: storedOf(found),
    });
  }
  const autosave = parsed.data.autosave === '1';
  const outcome = await responses.answerInvitation({
    token,
    answer: parsed.data,
    given: givenIn(raw),
    clientKey: clientKeyOf(req),
  });
  switch (outcome.kind) {
    case 'invalid':
      return pages.invalid(req, res);
    case 'rejected': {
      if (autosave) return res.status(400).end();
      const { score, ...questionErrors } = outcome.errors;
      return pages.form(res, {
        status: 400,
        lang: pickLanguage(outcome.contactLocale, outcome.survey.language),
        survey: outcome.survey,
        action: `/r/${token}`,
        values: typedValues(raw),
        errors: score ? { score } : {},
        questionErrors,
      });
    }
    case 'closed':
    case 'unsubscribed':
      return pages.gone(res, outcome.kind, outcome.survey, outcome.contactLocale);
    case 'bad-stamp': {
      if (autosave) return res.status(400).end();
      const found = await responses.lookupInvitation(token);
      if (found.state !== 'open') return pages.invalid(req, res);
      const lang = langOf(found);
      const errors = { stamp: WORDING[lang].page.errors.stamp };
      return pages.form(res, {
        status: 400,
        lang,
        survey: found.survey,
        action: `/r/${token}`,
        values: typedValues(raw),
        errors,
      });
    }
    case 'locked': {
      if (autosave) return res.status(204).end();
      const { lookup } = outcome;
      return pages.thanks(res, { lang: langOf(lookup), survey: lookup.survey, answer: lookup.answer, locked: true });
    }
    case 'saved':
      if (autosave) return res.status(204).end();
      // Post/redirect/get: reloading the thank-you page does not send the form again.
      return res.redirect(303, `/r/${token}/thanks`);
  }
}

function storedOf(found: OpenInvitation) {
  return found.answer && found.editableUntil ? { answer: found.answer, editableUntil: found.editableUntil } : undefined;
}
