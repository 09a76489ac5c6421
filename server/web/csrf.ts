import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Synchronizer-token CSRF protection (csrf-sync): the token lives in the session and every
 * state-changing form posts it back as `_csrf`. Exposes the token to views as `csrfToken`.
 */
export function createCsrf(): { protect: RequestHandler; exposeToken: RequestHandler } {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req: Request) => {
      const body = req.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined;
      return fromBody ?? req.get('x-csrf-token');
    },
    errorConfig: {
      statusCode: 403,
      message: 'This form has expired or was sent from another site. Go back, reload the page and try again.',
      code: 'CSRF_TOKEN_INVALID',
    },
  });
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = generateToken(req);
    next();
  };
  return { protect: csrfSynchronisedProtection, exposeToken };
}
