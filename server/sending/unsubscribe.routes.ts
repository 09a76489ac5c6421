import express, { Router, type Request, type Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { hashToken, isWellFormedToken } from '../lib/tokens.js';
import { pickLanguage } from '../vocabulary/languages.js';
import { INVALID_LINK_WORDING, WORDING } from '../vocabulary/wording.js';

/**
 * The unsubscribe link in every survey email. GET shows a confirmation page and changes nothing (mail
 * scanners fetch every link). POST unsubscribes: from the page's button, or the RFC 8058 one-click POST
 * a mail client sends with `List-Unsubscribe=One-Click`. Neither carries a cookie or a CSRF token; the
 * unguessable token in the address is the authentication. Both are idempotent and answer 200 directly.
 * Mounted before the session middleware: no session or cookie is ever created here.
 */
export function unsubscribeRouter(deps: { models: Models; clock: Clock; limiter: RateLimitRequestHandler }): Router {
  const { models, clock } = deps;
  const router = Router();

  async function lookup(token: unknown) {
    if (!isWellFormedToken(token)) return null;
    const invitation = await models.invitations
      .findOne({ tokenHash: hashToken(token) })
      .select('contactId surveyId')
      .lean();
    if (!invitation) return null;
    const [contact, survey] = await Promise.all([
      models.contacts.findById(invitation.contactId).lean(),
      models.surveys.findById(invitation.surveyId).lean(),
    ]);
    if (!contact || !survey) return null;
    return { contact, survey };
  }

  /** Unknown tokens count against the client's guessing limit (web/rate-limit.ts); past it: 429. */
  async function invalid(req: Request, res: Response) {
    await deps.limiter(req, res, () => {
      res.status(404).render('respond/link-invalid', {
        layout: 'public',
        title: INVALID_LINK_WORDING.title,
        t: INVALID_LINK_WORDING,
      });
    });
  }

  function render(res: Response, token: string, found: NonNullable<Awaited<ReturnType<typeof lookup>>>, done: boolean) {
    const lang = pickLanguage(found.contact.locale ?? '', found.survey.language ?? 'en');
    const w = WORDING[lang].unsubscribe;
    const company = found.survey.companyName;
    res.render('respond/unsubscribe', {
      layout: 'public',
      lang,
      company,
      token,
      done,
      title: done ? w.doneTitle : w.confirmTitle,
      t: { ...w, confirmBody: w.confirmBody(company), doneBody: w.doneBody(company) },
    });
  }

  router.use('/u', (_req, res, next) => {
    res.set('Referrer-Policy', 'no-referrer');
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/u/:token', async (req: Request, res: Response) => {
    const found = await lookup(req.params.token);
    if (!found) return invalid(req, res);
    render(res, req.params.token as string, found, Boolean(found.contact.unsubscribedAt));
  });

  router.post(
    '/u/:token',
    express.urlencoded({ extended: false, limit: '2kb' }),
    async (req: Request, res: Response) => {
      const found = await lookup(req.params.token);
      if (!found) return invalid(req, res);
      await models.contacts.updateOne(
        { _id: found.contact._id, unsubscribedAt: null },
        { $set: { unsubscribedAt: clock.now() } },
      );
      render(res, req.params.token as string, found, true);
    },
  );

  return router;
}
