import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Express } from 'express';
import { create as createHandlebars } from 'express-handlebars';
import Handlebars from 'handlebars';
import mongoose, { type Connection } from 'mongoose';
import { pinoHttp } from 'pino-http';

import { accountsRouter } from '../accounts/accounts.routes.js';
import { apiKeysRouter } from '../api/api-keys.routes.js';
import { apiRouter } from '../api/api.routes.js';
import { autopilotRouter } from '../autopilot/autopilot.routes.js';
import { brandingRouter } from '../branding/branding.routes.js';
import type { Config } from '../config.js';
import { contactsRouter } from '../contacts/contacts.routes.js';
import { pingDatabase } from '../db/connect.js';
import { followUpsRouter } from '../followups/followups.routes.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { publicDir, viewsDir } from '../lib/paths.js';
import { ordersRouter } from '../orders/orders.routes.js';
import { respondRouter } from '../responses/respond.routes.js';
import { reviewRouter } from '../responses/review.routes.js';
import { tagsRouter } from '../responses/tags.routes.js';
import { resultsRouter } from '../results/results.routes.js';
import { previewRouter } from '../sending/preview.routes.js';
import { SKIP_LABELS } from '../sending/send-skip.model.js';
import { sendingRouter } from '../sending/sending.routes.js';
import { unsubscribeRouter } from '../sending/unsubscribe.routes.js';
import { surveysRouter } from '../surveys/surveys.routes.js';
import { loadUser, requireUser } from '../web/auth.js';
import { createCsrf } from '../web/csrf.js';
import { errorHandler, notFound } from '../web/error-handler.js';
import { flashMiddleware } from '../web/flash.js';
import { helpers } from '../web/helpers/index.js';
import { loginRateLimit, tokenRateLimit, webLinkRateLimit } from '../web/rate-limit.js';
import { securityHeaders } from '../web/security.js';
import { createSessionMiddleware, sessionTerminator } from '../web/session.js';
import { webhooksRouter } from '../webhooks/webhooks.routes.js';
import type { Models } from './models.js';
import type { Services } from './services.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  connection: Connection;
  models: Models;
  services: Services;
}

const require = createRequire(import.meta.url);
const chartJsDir = path.dirname(require.resolve('chart.js'));

/** A value fetched at most once per `ttlMs` (per process); for lists where a minute's staleness is fine. */
function remembered<T>(fetch: () => Promise<T>, ttlMs: number, clock: Clock): () => Promise<T> {
  let cached: { value: T; until: number } | undefined;
  return async () => {
    const now = clock.now().getTime();
    if (!cached || cached.until <= now) cached = { value: await fetch(), until: now + ttlMs };
    return cached.value;
  };
}

/** Filter choices for a survey's results: the contacts' property names and those its answers carry, each list fetched at most once a minute. */
function propertyKeysFor(
  contactKeys: () => Promise<string[]>,
  surveyKeys: (surveyId: string) => Promise<string[]>,
  clock: Clock,
) {
  const perSurvey = new Map<string, () => Promise<string[]>>();
  return async (surveyId: string): Promise<string[]> => {
    let fetch = perSurvey.get(surveyId);
    if (!fetch) perSurvey.set(surveyId, (fetch = remembered(() => surveyKeys(surveyId), 60_000, clock)));
    const [a, b] = await Promise.all([contactKeys(), fetch()]);
    return [...new Set([...a, ...b])].sort((x, y) => x.localeCompare(y));
  };
}

/** Builds the Express app: views, middleware, routers, error handler. Does no I/O until a request arrives. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, connection, models } = deps;

  const {
    accounts,
    surveys,
    aggregates,
    contacts,
    sendQueue,
    followUps,
    webhooks,
    responses,
    results,
    tags,
    exports,
    contactImports,
    branding,
    triggers,
    autopilot,
    apiKeys,
    saidVsDid,
    orderImports,
    mailer,
    clock,
  } = deps.services;
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');

  const hbs = createHandlebars({
    handlebars: Handlebars.create(),
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers,
  });
  app.engine('hbs', hbs.engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.set('view cache', config.env !== 'development');

  app.use(
    pinoHttp({
      logger,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );

  // Probes for orchestrators and load balancers: no session, no auth, no logging.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await pingDatabase(connection);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unreachable' });
  });

  app.use(securityHeaders({ https: config.baseUrl.startsWith('https://') }));
  // Browser libraries come from node_modules through this app: no CDN sees our users.
  app.use('/static/vendor/chart.js', express.static(chartJsDir, { maxAge: '7d', index: false }));
  app.use('/static', express.static(publicDir, { maxAge: config.env === 'production' ? '1d' : 0, index: false }));

  // Links from survey email and web links: public, token-authenticated, before sessions so no cookie is ever set.
  const tokenLimiter = tokenRateLimit({ counters: models.rateLimits, clock, perMinute: config.tokenFailuresPerMinute });
  app.use(unsubscribeRouter({ models, clock, limiter: tokenLimiter }));
  app.use(
    respondRouter({
      responses,
      tokenLimiter,
      webLinkLimiter: webLinkRateLimit({ counters: models.rateLimits, clock, perHour: config.webLinkAnswersPerHour }),
    }),
  );

  // The JSON API: bearer keys, no session or CSRF (see server/api/api.routes.ts).
  app.use(
    apiRouter({
      models,
      clock,
      apiKeys,
      surveys,
      contacts,
      contactImports,
      sendQueue,
      results,
      exports,
      branding,
      autopilot,
      triggers,
      perMinute: config.apiRequestsPerMinute,
      baseUrl: config.baseUrl,
    }),
  );

  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));

  const { middleware: sessionMiddleware } = createSessionMiddleware(config, connection);
  app.use(sessionMiddleware);
  app.use(flashMiddleware);
  app.use(
    loadUser({ findActiveUser: (id) => accounts.findActiveUser(id), absoluteMs: config.sessionAbsoluteMs, clock }),
  );

  const csrf = createCsrf();
  app.use(csrf.protect);
  app.use(csrf.exposeToken);
  app.use((req, res, next) => {
    res.locals.section = req.path.split('/')[1] ?? '';
    next();
  });

  app.get('/', requireUser, (_req, res) => {
    res.redirect(303, '/surveys');
  });
  app.use(
    accountsRouter({
      accounts,
      loginLimiter: loginRateLimit({ counters: models.rateLimits, clock, max: config.loginMaxFailures }),
      now: () => clock.now(),
      endSessions: sessionTerminator(connection),
    }),
  );
  app.use(
    surveysRouter({
      overview: (ids) => results.overview(ids),
      surveys,
      deliveryProgress: (id) => sendQueue.progress(id),
      recentRuns: (id) => sendQueue.recentRuns(id),
      skipLabels: SKIP_LABELS,
      flaggedCount: (id) => responses.flaggedCount(id),
      autopilotSettings: (id) => autopilot.settings(id),
      recentTriggers: (id) => triggers.recent(id),
      baseUrl: config.baseUrl,
      webLinkPerHour: config.webLinkAnswersPerHour,
    }),
  );
  app.use(reviewRouter({ surveys, responses }));
  app.use(tagsRouter({ tags }));
  app.use(apiKeysRouter({ apiKeys }));
  app.use(webhooksRouter({ surveys, webhooks }));
  app.use(autopilotRouter({ surveys, autopilot }));
  app.use(
    followUpsRouter({
      followUps,
      surveyOptions: async () => (await surveys.list()).map((s) => ({ id: s.id, name: s.name })),
      ownerOptions: async () =>
        (
          await models.users
            .find({ disabledAt: null, role: mongoose.trusted({ $ne: 'viewer' }) })
            .select('name email')
            .sort({ email: 1 })
            .lean()
        ).map((u) => ({ id: String(u._id), name: u.name || u.email })),
      now: () => clock.now(),
      mail: { mailer, mailFrom: config.mailFrom, baseUrl: config.baseUrl },
    }),
  );
  app.use(
    resultsRouter({
      surveys,
      results,
      exports,
      saidVsDid,
      tags,
      propertyKeys: propertyKeysFor(
        remembered(() => sendQueue.knownPropertyKeys(), 60_000, clock),
        (surveyId) => aggregates.propertyKeysOf(new mongoose.Types.ObjectId(surveyId)),
        clock,
      ),
      timeZone: config.reportTimeZone,
    }),
  );
  app.use(previewRouter({ surveys, branding, config, mailer }));
  app.use(brandingRouter({ surveys, branding, csrf }));
  app.use(
    sendingRouter({
      surveys,
      sendQueue,
      outbox: models.outboxMessages,
      logoByHash: (sha256) => branding.logo({ sha256 }),
    }),
  );
  app.use(contactsRouter({ contacts, contactImports, csrf, schedule: (id) => autopilot.contactSchedule(id) }));
  app.use(ordersRouter({ orderImports, csrf }));

  app.use(notFound);
  app.use(errorHandler({ logger, showStack: config.env === 'development' }));
  return app;
}
