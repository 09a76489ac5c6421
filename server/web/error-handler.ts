import type { NextFunction, Request, Response } from 'express';

import { AppError, NotFoundError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Pages we have a template for; anything else renders the generic one. */
const PAGES = new Set([400, 401, 403, 404, 410, 413, 429, 500, 503]);

export function notFound(req: Request, _res: Response, next: NextFunction): void {
  next(new NotFoundError(`Nothing lives at ${req.path}. Check the address, or go back to the start page.`));
}

/**
 * The one error handler. AppErrors carry their status, code and a message for people. Errors from
 * body parsers and csrf-sync (http-errors with `expose`) keep their 4xx status. Anything else is a 500
 * whose details go to the log, never to the client outside development.
 */
export function errorHandler(options: { logger: Logger; showStack: boolean }) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const { status, code, message, fields } = describe(err);
    if (status >= 500) options.logger.error({ err, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status);
    if (status === 503) res.set('Retry-After', '30');
    if (req.originalUrl.startsWith('/api/') || req.originalUrl === '/api') {
      res.json({ error: { code, message, ...(fields ? { fields } : {}) } });
      return;
    }
    const view = PAGES.has(status) ? `errors/${status}` : 'errors/error';
    res.render(view, {
      title: titleFor(status),
      status,
      message,
      fields: fields ? Object.entries(fields).map(([name, text]) => ({ name, text })) : undefined,
      stack: options.showStack && err instanceof Error && status >= 500 ? err.stack : undefined,
    });
  };
}

/** Driver and Mongoose errors that mean "the database cannot be reached right now", not a bug. */
const UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (UNAVAILABLE.has(e.name) || (e.name === 'MongooseError' && /buffering timed out/.test(e.message))) return true;
    // A bulk write the server never answered: no per-write errors and no server error code (the
    // driver copies the network error's fields - connectionGeneration, a socket code - into
    // errorResponse). A server's refusal always carries a numeric code.
    if (e.name === 'MongoBulkWriteError') {
      const bulk = e as { writeErrors?: unknown[]; errorResponse?: Record<string, unknown> };
      if ((bulk.writeErrors?.length ?? 0) === 0 && typeof bulk.errorResponse?.code !== 'number') return true;
    }
    // The driver sometimes lets a raw socket error through when the server goes away mid-command.
    const code = (e as { code?: unknown }).code;
    if ((code === 'EPIPE' || code === 'ECONNRESET') && /[\\/]mongodb[\\/]/.test(e.stack ?? '')) return true;
  }
  return false;
}

function describe(err: unknown): {
  status: number;
  code: string;
  message: string;
  fields?: Readonly<Record<string, string>>;
} {
  if (isDatabaseUnavailable(err)) {
    return {
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is briefly unavailable, so this could not be completed. Try again in a minute.',
    };
  }
  if (err instanceof AppError) {
    const fields = 'fields' in err ? (err as { fields: Readonly<Record<string, string>> }).fields : undefined;
    return {
      status: err.status,
      code: err.code,
      message: err.message,
      ...(fields && Object.keys(fields).length > 0 ? { fields } : {}),
    };
  }
  const httpErr = (err ?? {}) as HttpLikeError;
  const status = httpErr.status ?? httpErr.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    if (httpErr.type === 'entity.too.large')
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large.' };
    if (httpErr.type === 'entity.parse.failed')
      return {
        status: 400,
        code: 'MALFORMED_BODY',
        message: 'The request body could not be parsed; send valid JSON or form data.',
      };
    if (httpErr.type === 'encoding.unsupported' || httpErr.type === 'charset.unsupported')
      return { status: 415, code: 'UNSUPPORTED_ENCODING', message: 'Send the request body as UTF-8.' };
    const code = typeof httpErr.code === 'string' && /^[A-Z_]+$/.test(httpErr.code) ? httpErr.code : `HTTP_${status}`;
    return {
      status,
      code,
      message: httpErr.expose !== false && httpErr.message ? httpErr.message : 'The request could not be handled.',
    };
  }
  return {
    status: 500,
    code: 'INTERNAL_ERROR',
    message: 'Something went wrong on our side. Try again in a moment; if it keeps happening, tell your administrator.',
  };
}

function titleFor(status: number): string {
  switch (status) {
    case 400:
      return 'Please check your input';
    case 401:
      return 'Please sign in';
    case 403:
      return 'Not allowed';
    case 404:
      return 'Page not found';
    case 410:
      return 'No longer available';
    case 413:
      return 'Too large';
    case 429:
      return 'Too many requests';
    case 503:
      return 'Temporarily unavailable';
    default:
      return status >= 500 ? 'Something went wrong' : 'Request not handled';
  }
}
