import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { ForbiddenError } from '../lib/errors.js';

export const CSRF_MESSAGE =
  'This form has expired or was sent from another site. Go back, reload the page and try again.';

export interface Csrf {
  protect: RequestHandler;
  exposeToken: RequestHandler;
  /** For multipart uploads, whose token arrives inside the body stream: throws ForbiddenError unless it matches. */
  verify(req: Request, token: string | undefined): void;
}

/**
 * Synchronizer-token CSRF protection (csrf-sync): the token lives in the session and every
 * state-changing form posts it back as `_csrf`. Multipart requests are checked by the upload handler
 * itself (web/upload.ts) once busboy has read the `_csrf` field, which forms place before the file.
 */
export function createCsrf(): Csrf {
  const { csrfSynchronisedProtection, generateToken, isRequestValid } = csrfSync({
    getTokenFromRequest: (req: Request) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? req.get('x-csrf-token');
    },
    skipCsrfProtection: (req: Request) => Boolean(req.is('multipart/form-data')),
    errorConfig: { statusCode: 403, message: CSRF_MESSAGE, code: 'CSRF_TOKEN_INVALID' },
  });
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = generateToken(req);
    next();
  };
  const verify = (req: Request, token: string | undefined) => {
    const body = req.body as unknown;
    req.body = { _csrf: token };
    const valid = token !== undefined && isRequestValid(req);
    req.body = body;
    if (!valid) throw new ForbiddenError(CSRF_MESSAGE, 'CSRF_TOKEN_INVALID');
  };
  return { protect: csrfSynchronisedProtection, exposeToken, verify };
}
