import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Express } from 'express';
import { create as createHandlebars } from 'express-handlebars';
import Handlebars from 'handlebars';
import mongoose, { type Connection } from 'mongoose';
import { pinoHttp } from 'pino-http';

import { accountsRouter } from './accounts/accounts.routes.js';
import { createAccountsService } from './accounts/accounts.service.js';
import { apiKeysRouter } from './api/api-keys.routes.js';
import { createApiKeysService } from './api/api-keys.service.js';
import { apiRouter } from './api/api.routes.js';
import { autopilotRouter } from './autopilot/autopilot.routes.js';
import { createAutopilotService } from './autopilot/autopilot.service.js';
import { brandingRouter } from './branding/branding.routes.js';
import { createBrandingService } from './branding/branding.service.js';
import type { Config } from './config.js';
import { createContactImportService } from './contacts/contact-import.service.js';
import { contactsRouter } from './contacts/contacts.routes.js';
import { createContactsService } from './contacts/contacts.service.js';
import { pingDatabase } from './db/connect.js';
import type { Models } from './db/models.js';
import { createExportsService } from './exports/exports.service.js';
import { followUpsRouter } from './followups/followups.routes.js';
import { createFollowUpsService } from './followups/followups.service.js';
import { systemClock, type Clock } from './lib/clock.js';
import type { Logger } from './lib/logger.js';
import { publicDir, viewsDir } from './lib/paths.js';
import { createSealer } from './lib/seal.js';
import { createOrderImportService } from './orders/order-import.service.js';
import { ordersRouter } from './orders/orders.routes.js';
import { respondRouter } from './responses/respond.routes.js';
import { responseJson } from './responses/response-json.js';
import { createResponsesService, DEFAULT_BOT_THRESHOLDS } from './responses/responses.service.js';
import { reviewRouter } from './responses/review.routes.js';
import { tagsRouter } from './responses/tags.routes.js';
import { createTagsService } from './responses/tags.service.js';
import { createAggregates } from './results/aggregates.js';
import { resultsRouter } from './results/results.routes.js';
import { createResultsService } from './results/results.service.js';
import { createSaidVsDidService } from './results/said-vs-did.service.js';
import type { Mailer } from './sending/mailer.js';
import { previewRouter } from './sending/preview.routes.js';
import { createSendQueue } from './sending/send-queue.service.js';
import { SKIP_LABELS } from './sending/send-skip.model.js';
import { sendingRouter } from './sending/sending.routes.js';
import { unsubscribeRouter } from './sending/unsubscribe.routes.js';
import { createMailer, linkTokenSealer } from './sending/wiring.js';
import { surveysRouter } from './surveys/surveys.routes.js';
import { createSurveysService } from './surveys/surveys.service.js';
import { createTriggersService } from './triggers/triggers.service.js';
import { loadUser, requireUser } from './web/auth.js';
import { createCsrf } from './web/csrf.js';
import { errorHandler, notFound } from './web/error-handler.js';
import { flashMiddleware } from './web/flash.js';
import { helpers } from './web/helpers/index.js';
import { loginRateLimit, tokenRateLimit, webLinkRateLimit } from './web/rate-limit.js';
import { securityHeaders } from './web/security.js';
import { createSessionMiddleware, sessionTerminator } from './web/session.js';
import { webhooksRouter } from './webhooks/webhooks.routes.js';
import { createWebhooksService } from './webhooks/webhooks.service.js';

export interface AppDeps {
  config: Config;
  logger: Logger;
  connection: Connection;
  models: Models;
  clock?: Clock;
  /** For the "send me a test" button; default: SMTP_URL or the outbox. */
  mailer?: Mailer;
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
  const clock = deps.clock ?? systemClock;

  const accounts = createAccountsService({ users: models.users, clock });
  const surveys = createSurveysService({ surveys: models.surveys });
  const aggregates = createAggregates({ models, timeZone: config.reportTimeZone });
  const contacts = createContactsService({ ...models, clock, aggregates });
  const sendQueue = createSendQueue({ models, clock, sealer: linkTokenSealer(config) });
  const followUps = createFollowUpsService({ models, clock });
  const webhooks = createWebhooksService({
    models,
    clock,
    sealer: createSealer(config.tokenSecret, 'webhook-secret'),
    logger,
  });
  const responses = createResponsesService({
    models,
    clock,
    aggregates,
    onSaved: async (event, doc) => {
      const response = doc as Parameters<typeof responseJson>[0] & { repurchase?: string | null };
      await Promise.all([webhooks.enqueue(event, doc.surveyId, responseJson(response)), followUps.openFor(response)]);
    },
    sealer: createSealer(config.tokenSecret, 'page-stamp'),
    policy: { editWindowMs: config.responseEditMs, ...DEFAULT_BOT_THRESHOLDS },
  });
  const results = createResultsService({ models, clock, timeZone: config.reportTimeZone, aggregates });
  const tags = createTagsService({ models, clock });
  const exports = createExportsService({ models, clock, timeZone: config.reportTimeZone, aggregates });
  const contactImports = createContactImportService({
    contacts: models.contacts,
    contactImports: models.contactImports,
    clock,
  });
  const branding = createBrandingService({ models });
  const triggers = createTriggersService({
    models,
    clock,
    sealer: linkTokenSealer(config),
    upsertContacts: (rows) => contactImports.upsertMany(rows),
  });
  const autopilot = createAutopilotService({
    models,
    clock,
    sealer: linkTokenSealer(config),
    timeZone: config.reportTimeZone,
  });

  const mailer = deps.mailer ?? createMailer(config, models);
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
  const apiKeys = createApiKeysService({ apiKeys: models.apiKeys, clock });
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
      saidVsDid: createSaidVsDidService({ models, clock }),
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
  app.use(ordersRouter({ orderImports: createOrderImportService({ models, clock }), csrf }));

  app.use(notFound);
  app.use(errorHandler({ logger, showStack: config.env === 'development' }));
  return app;
}
