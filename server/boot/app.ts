import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Express } from 'express';
import { create as createHandlebars } from 'express-handlebars';
import Handlebars from 'handlebars';
import type { Connection } from 'mongoose';
import { pinoHttp } from 'pino-http';

import type { Config } from '../config.js';
import { pingDatabase } from '../db/connect.js';
import type { Logger } from '../lib/logger.js';
import { publicDir, viewsDir } from '../lib/paths.js';
import { reportUnsubscribeRouter } from '../reports/reports.routes.js';
import { respondRouter } from '../responses/respond.routes.js';
import { unsubscribeRouter } from '../sending/unsubscribe.routes.js';
import { loadUser } from '../web/auth.js';
import { createCsrf } from '../web/csrf.js';
import { errorHandler, notFound } from '../web/error-handler.js';
import { flashMiddleware } from '../web/flash.js';
import { helpersFor } from '../web/helpers/index.js';
import { tokenRateLimit, webLinkRateLimit } from '../web/rate-limit.js';
import { securityHeaders } from '../web/security.js';
import { createSessionMiddleware } from '../web/session.js';
import { apiRouterOf } from './api.js';
import type { Models } from './models.js';
import { mountPages } from './pages.js';
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

/**
 * Builds the Express app from the services: views, middleware in order, the public routes (probes,
 * static files, the respondent's links, the API), then sessions, CSRF and the signed-in pages, then
 * the one error handler. Does no I/O until a request arrives.
 */
export function createApp(deps: AppDeps): Express {
  const { config, logger, connection, services } = deps;
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  useViews(app, config);
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

  mountPublic(app, deps);
  // The JSON API: bearer keys, no session or CSRF (server/api/).
  app.use(apiRouterOf(services));

  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  app.use(createSessionMiddleware(config, connection).middleware);
  app.use(flashMiddleware);
  app.use(
    loadUser({
      findActiveUser: (id) => services.accounts.findActiveUser(id),
      absoluteMs: config.sessionAbsoluteMs,
      clock: services.clock,
    }),
  );
  // Signed-in pages hold customers' data: never kept by the browser's or a proxy's cache.
  app.use((req, res, next) => {
    if (req.user) res.set('Cache-Control', 'no-store');
    next();
  });
  const csrf = createCsrf();
  app.use(csrf.protect);
  app.use(csrf.exposeToken);
  app.use((req, res, next) => {
    res.locals.section = req.path.split('/')[1] ?? '';
    next();
  });
  mountPages(app, { ...deps, csrf });

  app.use(notFound);
  app.use(errorHandler({ logger, showStack: config.env === 'development' }));
  return app;
}

/** Layout, partials and helpers registered once on a private Handlebars instance. */
function useViews(app: Express, config: Config): void {
  const hbs = createHandlebars({
    handlebars: Handlebars.create(),
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers: helpersFor(config.reportTimeZone),
  });
  app.engine('hbs', hbs.engine);
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  app.set('view cache', config.env !== 'development');
}

/** Links from survey email and web links: public, token-authenticated, before sessions so no cookie is ever set. */
function mountPublic(app: Express, deps: AppDeps): void {
  const { config, services } = deps;
  const counters = deps.models.rateLimits;
  const tokenLimiter = tokenRateLimit({ counters, clock: services.clock, perMinute: config.tokenFailuresPerMinute });
  app.use(unsubscribeRouter({ unsubscribes: services.unsubscribes, limiter: tokenLimiter }));
  app.use(reportUnsubscribeRouter({ reports: services.reports, limiter: tokenLimiter }));
  app.use(
    respondRouter({
      responses: services.responses,
      tokenLimiter,
      webLinkLimiter: webLinkRateLimit({ counters, clock: services.clock, perHour: config.webLinkAnswersPerHour }),
    }),
  );
}
