import express, { Router, type Request, type Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import { pickLanguage } from '../vocabulary/languages.js';
import { INVALID_LINK_WORDING, WORDING } from '../vocabulary/wording.js';
import type { UnsubscribeService } from './unsubscribe.service.js';

/**
 * The unsubscribe link in every survey email. GET shows a confirmation page and changes nothing (mail
 * scanners fetch every link). POST unsubscribes: from the page's button, or the RFC 8058 one-click POST
 * a mail client sends with `List-Unsubscribe=One-Click`. Neither carries a cookie or a CSRF token; the
 * unguessable token in the address is the authentication. Both are idempotent and answer 200 directly.
 * Mounted before the session middleware: no session or cookie is ever created here.
 */
export function unsubscribeRouter(deps: {
  unsubscribes: UnsubscribeService;
  limiter: RateLimitRequestHandler;
}): Router {
  const { unsubscribes } = deps;
  const router = Router();

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

  type Found = NonNullable<Awaited<ReturnType<UnsubscribeService['lookup']>>>;
  function render(res: Response, token: string, found: Found, done: boolean) {
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
    const found = await unsubscribes.lookup(req.params.token);
    if (!found) return invalid(req, res);
    render(res, req.params.token as string, found, Boolean(found.contact.unsubscribedAt));
  });

  router.post(
    '/u/:token',
    express.urlencoded({ extended: false, limit: '2kb' }),
    async (req: Request, res: Response) => {
      const found = await unsubscribes.lookup(req.params.token);
      if (!found) return invalid(req, res);
      await unsubscribes.unsubscribe(found.contact);
      render(res, req.params.token as string, found, true);
    },
  );

  return router;
}
