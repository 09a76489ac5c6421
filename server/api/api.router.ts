import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';

import type { Clock } from '../lib/clock.js';
import { ForbiddenError, HttpError, NotFoundError, UnauthorizedError } from '../lib/errors.js';
import { MongoRateLimitStore } from '../web/rate-limit.js';
import type { RateLimitModel } from '../web/rate-limit.model.js';
import type { ApiCaller, ApiKeysService } from './api-keys.service.js';
import { messages } from './api.messages.js';
import { parsePart, type AnyEndpoint } from './endpoint.js';
import { openApiDocument } from './openapi.js';

export interface ApiRouterDeps {
  endpoints: readonly AnyEndpoint[];
  apiKeys: ApiKeysService;
  counters: RateLimitModel;
  clock: Clock;
  perMinute: number;
  baseUrl: string;
}

/** Who is calling: the API key in the Authorization header, or 401. */
function authenticate(apiKeys: ApiKeysService) {
  return async (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const caller = match ? await apiKeys.authenticate(match[1]!) : null;
    if (!caller) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      throw new UnauthorizedError(match ? messages.invalidKey : messages.sendKey, 'UNAUTHORIZED');
    }
    res.locals.apiCaller = caller;
    next();
  };
}

/** JSON bodies up to 5 MB; invalid UTF-8 would otherwise be decoded into replacement characters and stored: 415. */
function jsonBodies() {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  return express.json({
    limit: '5mb',
    verify: (_req, _res, buf) => {
      try {
        utf8.decode(buf);
      } catch {
        throw Object.assign(new Error(messages.notUtf8), { status: 415, type: 'charset.unsupported' });
      }
    },
  });
}

/** Scope, content type, then params, query and body validated together; the handler gets them parsed. */
function handlerOf(e: AnyEndpoint) {
  return async (req: Request, res: Response) => {
    const caller = res.locals.apiCaller as ApiCaller;
    if (e.scope === 'read_write' && caller.scope !== 'read_write')
      throw new ForbiddenError(messages.readOnlyKey, 'INSUFFICIENT_SCOPE');
    if (['post', 'patch'].includes(e.method) && !req.is('application/json'))
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', messages.sendJson);
    const params = parsePart(e.params, req.params, 'path');
    const query = parsePart(e.query, req.query, 'query');
    const body = parsePart(e.body, req.body, 'body');
    const result = await e.handle({ params, query, body, caller, req, res });
    if (result !== undefined) res.status(e.status ?? 200).json(result);
  };
}

/**
 * /api/v1: bearer API keys (hashed, scoped), JSON bodies up to 5 MB (413 beyond), Zod-validated
 * strict input, JSON errors, a per-key rate limit shared by all instances, and /api/openapi.json from
 * the same endpoint list. Mounted before sessions and CSRF: no cookie is read or set here.
 */
export function apiRouter(deps: ApiRouterDeps): Router {
  const router = Router();
  const document = openApiDocument(deps.endpoints, { perMinute: deps.perMinute, baseUrl: deps.baseUrl });
  router.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  const v1 = Router();
  v1.use(authenticate(deps.apiKeys));
  v1.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.perMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (_req, res) => (res.locals.apiCaller as ApiCaller).keyId,
      store: new MongoRateLimitStore(deps.counters, 'api', deps.clock),
      handler: (_req, _res, next) => next(new HttpError(429, 'RATE_LIMITED', messages.rateLimited(deps.perMinute))),
    }),
  );
  v1.use(jsonBodies());
  for (const e of deps.endpoints) v1[e.method](e.path, handlerOf(e));
  v1.use((req: Request) => {
    throw new NotFoundError(messages.noEndpoint(req.method, req.originalUrl.split('?')[0] ?? ''), 'NOT_FOUND');
  });
  router.use('/api/v1', v1);
  return router;
}
