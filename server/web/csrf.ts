import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { match } from 'path-to-regexp';

import { ForbiddenError } from '../lib/errors.js';

export const CSRF_MESSAGE =
  'This form has expired or was sent from another site. Go back, reload the page and try again.';

export interface Csrf {
  protect: RequestHandler;
  /** Puts the session's token in res.locals for signed-in pages (and any session that already has one). */
  exposeToken: RequestHandler;
  /** Starts a token (and so a session) for a form an anonymous visitor must post: sign-in and setup. */
  formToken: RequestHandler;
  /**
   * Declares a multipart upload route and returns its path. Only these routes let a multipart POST
   * past `protect`, because their token arrives inside the body stream: the route's handler verifies it
   * with `verify` (web/upload.ts does) before it reads a byte of the file.
   */
  uploadRoute(path: string): string;
  /** For multipart uploads: throws ForbiddenError unless the token matches the session's. */
  verify(req: Request, token: string | undefined): void;
}

/**
 * Synchronizer-token CSRF protection (csrf-sync): the token lives in the session and every
 * state-changing request posts it back as `_csrf` (or the `X-CSRF-Token` header), whatever its content
 * type. A body that was not parsed (multipart, JSON, text/plain) has no `_csrf`, so it is refused
 * unless the route was declared with `uploadRoute`.
 */
export function createCsrf(): Csrf {
  const uploads: Array<(path: string) => unknown> = [];
  const isUpload = (req: Request) =>
    req.method === 'POST' && Boolean(req.is('multipart/form-data')) && uploads.some((matches) => matches(req.path));
  const { csrfSynchronisedProtection, generateToken, isRequestValid } = csrfSync({
    getTokenFromRequest: (req: Request) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? req.get('x-csrf-token');
    },
    skipCsrfProtection: isUpload,
    errorConfig: { statusCode: 403, message: CSRF_MESSAGE, code: 'CSRF_TOKEN_INVALID' },
  });
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    // An anonymous visitor gets no token here, so a page view never stores a session.
    if (req.user || req.session?.csrfToken) res.locals.csrfToken = generateToken(req);
    next();
  };
  const formToken = (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = generateToken(req);
    next();
  };
  const uploadRoute = (path: string) => {
    uploads.push(match(path));
    return path;
  };
  const verify = (req: Request, token: string | undefined) => {
    const body = req.body as unknown;
    req.body = { _csrf: token };
    const valid = token !== undefined && isRequestValid(req);
    req.body = body;
    if (!valid) throw new ForbiddenError(CSRF_MESSAGE, 'CSRF_TOKEN_INVALID');
  };
  return { protect: csrfSynchronisedProtection, exposeToken, formToken, uploadRoute, verify };
}
