import { createHash } from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import type { SurveyDetail } from '../surveys/survey-detail.js';
import { REPURCHASE_ANSWERS } from '../vocabulary/answers.js';
import { pickLanguage, type Language } from '../vocabulary/languages.js';
import {
  fillCompany,
  formatDay,
  INVALID_LINK_WORDING,
  localisedQuestion,
  WORDING,
  type RespondWording,
} from '../vocabulary/wording.js';
import { fieldErrorsOf } from '../web/validate.js';
import { answerInputSchema, linkScoreSchema } from './response.schemas.js';
import type { ResponsesService, StoredAnswer } from './responses.service.js';

type ErrorKey = keyof RespondWording['errors'];

/** Who is asking, without keeping who they are: a hash of address and user agent, for honeypot matching. */
function clientKeyOf(req: Request): string {
  return createHash('sha256')
    .update(`${req.ip ?? ''}\n${req.get('user-agent') ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
}

interface FormValues {
  score?: number | undefined;
  repurchase?: string | undefined;
  comment?: string | undefined;
}

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
  const { responses } = deps;
  const router = Router();
  const body = express.urlencoded({ extended: false, limit: '32kb', parameterLimit: 20 });

  router.use(['/r', '/s'], (_req, res, next) => {
    res.set('Referrer-Policy', 'no-referrer');
    res.set('Cache-Control', 'no-store');
    res.set('X-Robots-Tag', 'noindex, nofollow');
    next();
  });

  /**
   * The answer for a token that does not exist (or is malformed). Only these count against the
   * client's guessing limit: working links cost no rate-limit write, and past the limit the answer is 429.
   */
  async function invalid(req: Request, res: Response) {
    await deps.tokenLimiter(req, res, () => {
      res.status(404).render('respond/link-invalid', {
        layout: 'public',
        title: INVALID_LINK_WORDING.title,
        t: INVALID_LINK_WORDING,
      });
    });
  }

  function gone(res: Response, kind: 'closed' | 'unsubscribed', survey: SurveyDetail, contactLocale: string) {
    const lang = pickLanguage(contactLocale, survey.language);
    const w = WORDING[lang].page;
    const t =
      kind === 'closed'
        ? { title: w.closedTitle, body: w.closedBody }
        : { title: w.unsubscribedTitle, body: w.unsubscribedBody };
    res
      .status(410)
      .render('respond/link-invalid', { layout: 'public', lang, company: survey.companyName, title: t.title, t });
  }

  function renderForm(
    res: Response,
    page: {
      status?: number;
      lang: Language;
      survey: SurveyDetail;
      action: string;
      values: FormValues;
      errors?: Partial<Record<ErrorKey, string>>;
      stored?: { answer: StoredAnswer; editableUntil: Date };
      autosave?: boolean;
      webLink?: boolean;
    },
  ) {
    const w = WORDING[page.lang].page;
    const { survey, values } = page;
    const question = (kind: 'recommend' | 'repurchase' | 'reason', text: string) =>
      fillCompany(localisedQuestion(kind, text, page.lang), survey.companyName);
    const errors = page.errors ?? {};
    res.status(page.status ?? 200).render('respond/answer', {
      layout: 'public',
      lang: page.lang,
      company: survey.companyName,
      title: question('recommend', survey.recommendQuestion),
      t: w,
      action: page.action,
      questions: {
        recommend: question('recommend', survey.recommendQuestion),
        repurchase: question('repurchase', survey.repurchaseQuestion),
        reason: question('reason', survey.reasonQuestion),
      },
      scores: Array.from({ length: 11 }, (_, n) => ({ value: n, checked: values.score === n })),
      repurchaseOptions: REPURCHASE_ANSWERS.map((value) => ({
        value,
        label: w.repurchaseAnswers[value],
        checked: values.repurchase === value,
      })),
      comment: values.comment ?? '',
      stamp: responses.newStamp(),
      errors,
      formError: Object.keys(errors).length > 0 ? (errors.stamp ?? w.formError) : undefined,
      storedNote: page.stored
        ? w.storedNote(
            formatDay(page.stored.answer.firstSubmittedAt, page.lang),
            formatDay(page.stored.editableUntil, page.lang),
          )
        : undefined,
      submitLabel: page.stored ? w.update : w.submit,
      autosave: page.autosave === true,
      webLink: page.webLink === true,
    });
  }

  function renderThanks(
    res: Response,
    page: {
      lang: Language;
      survey: SurveyDetail;
      answer?: StoredAnswer | null;
      editableUntil?: Date | null;
      changeUrl?: string;
      locked?: boolean;
    },
  ) {
    const w = WORDING[page.lang].page;
    const answer = page.answer ?? undefined;
    res.render('respond/thanks', {
      layout: 'public',
      lang: page.lang,
      company: page.survey.companyName,
      title: w.thanksTitle,
      t: w,
      answer: answer && {
        score: answer.score,
        repurchase: answer.repurchase ? w.repurchaseAnswers[answer.repurchase] : undefined,
        comment: answer.comment,
      },
      lockedNote: page.locked && answer ? w.lockedNote(formatDay(answer.firstSubmittedAt, page.lang)) : undefined,
      changeLink:
        page.editableUntil && page.changeUrl
          ? { url: page.changeUrl, text: w.changeLink(formatDay(page.editableUntil, page.lang)) }
          : undefined,
    });
  }

  /** Localised messages for the fields Zod refused. */
  function errorsOf(issues: Record<string, string>, lang: Language): Partial<Record<ErrorKey, string>> {
    const w = WORDING[lang].page.errors;
    const out: Partial<Record<ErrorKey, string>> = {};
    for (const key of Object.keys(issues)) {
      if (key === 'score' || key === 'repurchase' || key === 'comment' || key === 'stamp') out[key] = w[key];
    }
    return out;
  }

  /** What the customer sent, to show again beside the messages (never trusted for anything else). */
  function typed(raw: Record<string, unknown>): FormValues {
    const score = linkScoreSchema.safeParse(raw.score);
    return {
      score: score.success ? score.data : undefined,
      repurchase: typeof raw.repurchase === 'string' ? raw.repurchase : undefined,
      comment: typeof raw.comment === 'string' ? raw.comment : undefined,
    };
  }

  // ---- Email links: /r/<token>/<score> ----

  // The hidden link in the email (no person can see or reach it): whoever fetches it is a machine.
  router.get('/r/:token/check', async (req, res) => {
    await responses.recordHoneypot(req.params.token, clientKeyOf(req));
    res.status(204).end();
  });

  router.get('/r/:token/thanks', async (req, res) => {
    const found = await responses.lookupInvitation(req.params.token);
    if (found.state === 'invalid') return invalid(req, res);
    if (found.state !== 'open') return gone(res, found.state, found.survey, found.contactLocale);
    const lang = pickLanguage(found.contactLocale, found.survey.language);
    renderThanks(res, {
      lang,
      survey: found.survey,
      answer: found.answer,
      editableUntil: found.editableUntil,
      changeUrl: `/r/${req.params.token}`,
    });
  });

  async function showInvitationPage(req: Request, res: Response, linkScore: string | undefined) {
    const token = req.params.token as string;
    const found = await responses.lookupInvitation(token);
    if (found.state === 'invalid') return invalid(req, res);
    if (found.state !== 'open') return gone(res, found.state, found.survey, found.contactLocale);
    // A page view is a click event, never an answer; HEAD (link checkers) is not even a click.
    if (req.method === 'GET') await responses.recordClick(found.invitationId);
    const lang = pickLanguage(found.contactLocale, found.survey.language);
    if (found.answer && !found.editableUntil)
      return renderThanks(res, { lang, survey: found.survey, answer: found.answer, locked: true });
    if (found.answer && found.editableUntil) {
      return renderForm(res, {
        lang,
        survey: found.survey,
        action: `/r/${token}`,
        values: found.answer,
        stored: { answer: found.answer, editableUntil: found.editableUntil },
      });
    }
    const score = linkScore === undefined ? undefined : linkScoreSchema.safeParse(linkScore);
    if (score && !score.success) {
      return renderForm(res, {
        status: 400,
        lang,
        survey: found.survey,
        action: `/r/${token}`,
        values: {},
        errors: { score: WORDING[lang].page.errors.score },
      });
    }
    renderForm(res, {
      lang,
      survey: found.survey,
      action: `/r/${token}`,
      values: { score: score?.data },
      autosave: score !== undefined,
    });
  }

  router.get('/r/:token', (req, res) => showInvitationPage(req, res, undefined));
  router.get('/r/:token/:score', (req, res) => showInvitationPage(req, res, req.params.score));

  router.post('/r/:token', body, async (req, res) => {
    const token = req.params.token;
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const parsed = answerInputSchema.safeParse(raw);
    if (!parsed.success) {
      const found = await responses.lookupInvitation(token);
      if (found.state === 'invalid') return invalid(req, res);
      if (found.state !== 'open') return gone(res, found.state, found.survey, found.contactLocale);
      if (raw.autosave === '1') return res.status(400).end();
      const lang = pickLanguage(found.contactLocale, found.survey.language);
      const stored =
        found.answer && found.editableUntil ? { answer: found.answer, editableUntil: found.editableUntil } : undefined;
      return renderForm(res, {
        status: 400,
        lang,
        survey: found.survey,
        action: `/r/${token}`,
        values: typed(raw),
        errors: errorsOf(fieldErrorsOf(parsed.error), lang),
        ...(stored ? { stored } : {}),
      });
    }
    const outcome = await responses.answerInvitation({ token, answer: parsed.data, clientKey: clientKeyOf(req) });
    switch (outcome.kind) {
      case 'invalid':
        return invalid(req, res);
      case 'closed':
      case 'unsubscribed':
        return gone(res, outcome.kind, outcome.survey, outcome.contactLocale);
      case 'bad-stamp': {
        if (parsed.data.autosave) return res.status(400).end();
        const found = await responses.lookupInvitation(token);
        if (found.state !== 'open') return invalid(req, res);
        const lang = pickLanguage(found.contactLocale, found.survey.language);
        return renderForm(res, {
          status: 400,
          lang,
          survey: found.survey,
          action: `/r/${token}`,
          values: typed(raw),
          errors: { stamp: WORDING[lang].page.errors.stamp },
        });
      }
      case 'locked': {
        if (parsed.data.autosave) return res.status(204).end();
        const lang = pickLanguage(outcome.lookup.contactLocale, outcome.lookup.survey.language);
        return renderThanks(res, { lang, survey: outcome.lookup.survey, answer: outcome.lookup.answer, locked: true });
      }
      case 'saved':
        if (parsed.data.autosave) return res.status(204).end();
        // Post/redirect/get: reloading the thank-you page does not send the form again.
        return res.redirect(303, `/r/${token}/thanks`);
    }
  });

  // ---- Anonymous web link: /s/<id> ----

  async function showWebLinkPage(req: Request, res: Response, linkScore: string | undefined) {
    const found = await responses.lookupWebLink(req.params.id as string);
    if (found.state === 'invalid') return invalid(req, res);
    if (found.state === 'closed') return gone(res, 'closed', found.survey, '');
    const lang = pickLanguage(req.acceptsLanguages(...['en', 'de']) || '', found.survey.language);
    const score = linkScore === undefined ? undefined : linkScoreSchema.safeParse(linkScore);
    renderForm(res, {
      lang,
      survey: found.survey,
      action: `/s/${req.params.id as string}`,
      values: { score: score?.success ? score.data : undefined },
      webLink: true,
    });
  }

  router.get('/s/:id/thanks', async (req, res) => {
    const found = await responses.lookupWebLink(req.params.id);
    if (found.state === 'invalid') return invalid(req, res);
    const lang = pickLanguage(req.acceptsLanguages(...['en', 'de']) || '', found.survey.language);
    renderThanks(res, { lang, survey: found.survey });
  });
  router.get('/s/:id', (req, res) => showWebLinkPage(req, res, undefined));
  router.get('/s/:id/:score', (req, res) => showWebLinkPage(req, res, req.params.score));

  router.post('/s/:id', deps.webLinkLimiter, body, async (req, res) => {
    const id = req.params.id as string;
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const parsed = answerInputSchema.safeParse(raw);
    const found = await responses.lookupWebLink(id);
    if (found.state === 'invalid') return invalid(req, res);
    if (found.state === 'closed') return gone(res, 'closed', found.survey, '');
    const lang = pickLanguage(req.acceptsLanguages(...['en', 'de']) || '', found.survey.language);
    if (!parsed.success) {
      return renderForm(res, {
        status: 400,
        lang,
        survey: found.survey,
        action: `/s/${id}`,
        values: typed(raw),
        errors: errorsOf(fieldErrorsOf(parsed.error), lang),
        webLink: true,
      });
    }
    const outcome = await responses.answerWebLink({ webLinkId: id, answer: parsed.data });
    if (outcome.kind === 'invalid') return invalid(req, res);
    if (outcome.kind === 'closed') return gone(res, 'closed', outcome.survey, '');
    if (outcome.kind === 'bad-stamp') {
      return renderForm(res, {
        status: 400,
        lang,
        survey: found.survey,
        action: `/s/${id}`,
        values: typed(raw),
        errors: { stamp: WORDING[lang].page.errors.stamp },
        webLink: true,
      });
    }
    res.redirect(303, `/s/${id}/thanks`);
  });

  return router;
}
