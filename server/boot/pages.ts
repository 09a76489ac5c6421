import type { Express } from 'express';
import mongoose, { type Connection } from 'mongoose';

import { accountsRouter } from '../accounts/accounts.routes.js';
import { apiKeysRouter } from '../api/api-keys.routes.js';
import { autopilotRouter } from '../autopilot/autopilot.routes.js';
import { autoRepliesRouter } from '../autoreplies/auto-replies.routes.js';
import { brandingRouter } from '../branding/branding.routes.js';
import type { Config } from '../config.js';
import { contactImportRouter, contactsRouter } from '../contacts/contacts.routes.js';
import { exportsRouter } from '../exports/exports.routes.js';
import { followUpsRouter } from '../followups/followups.routes.js';
import { chatRouter } from '../notifications/chat.routes.js';
import { ordersRouter } from '../orders/orders.routes.js';
import { dashboardRouter } from '../reports/dashboard.routes.js';
import { reportsRouter } from '../reports/reports.routes.js';
import { responsePageRouter } from '../responses/response-page.routes.js';
import { reviewRouter } from '../responses/review.routes.js';
import { tagsRouter } from '../responses/tags.routes.js';
import { filterPropertyKeys } from '../results/property-keys.js';
import { resultsRouter } from '../results/results.routes.js';
import { SKIP_LABELS } from '../sending/eligibility.js';
import { outboxRouter } from '../sending/outbox.routes.js';
import { previewRouter } from '../sending/preview.routes.js';
import { sendingRouter } from '../sending/sending.routes.js';
import { questionsRouter } from '../surveys/questions.routes.js';
import { surveyDetailOf } from '../surveys/survey-detail.js';
import { surveysRouter } from '../surveys/surveys.routes.js';
import type { Csrf } from '../web/csrf.js';
import { loginRateLimit, passwordCheckRateLimit } from '../web/rate-limit.js';
import { sessionTerminator } from '../web/session.js';
import { webhooksRouter } from '../webhooks/webhooks.routes.js';
import type { Models } from './models.js';
import type { Services } from './services.js';

interface PageDeps {
  config: Config;
  connection: Connection;
  models: Models;
  services: Services;
  csrf: Csrf;
}

/** Every signed-in page, each router given just the services it calls. Every route declares its role. */
export function mountPages(app: Express, deps: PageDeps): void {
  const { config, connection, services: s, csrf } = deps;
  const { clock } = s;
  mountHome(app, s, config);
  app.use(
    accountsRouter({
      accounts: s.accounts,
      loginLimiter: loginRateLimit({ counters: deps.models.rateLimits, clock, max: config.loginMaxFailures }),
      formToken: csrf.formToken,
      passwordCheckLimiter: passwordCheckRateLimit({
        counters: deps.models.rateLimits,
        clock,
        max: config.loginMaxFailures,
      }),
      now: () => clock.now(),
      endSessions: sessionTerminator(connection),
    }),
  );
  app.use(
    surveysRouter({
      overview: (ids) => s.results.overview(ids),
      surveys: s.surveys,
      deliveryProgress: (id) => s.sendQueue.progress(id),
      recentRuns: (id) => s.sendQueue.recentRuns(id),
      skipLabels: SKIP_LABELS,
      flaggedCount: (id) => s.results.flaggedCount(id),
      autopilotSettings: (id) => s.autopilot.settings(id),
      recentTriggers: (id) => s.triggers.recent(id),
      baseUrl: config.baseUrl,
      webLinkPerHour: config.webLinkAnswersPerHour,
    }),
  );
  app.use(questionsRouter({ surveys: s.surveys }));
  app.use(reviewRouter({ surveys: s.surveys, reviews: s.reviews }));
  app.use(tagsRouter({ tags: s.tags }));
  app.use(apiKeysRouter({ apiKeys: s.apiKeys }));
  mountAlertPages(app, s, config);
  app.use(autopilotRouter({ surveys: s.surveys, autopilot: s.autopilot }));
  app.use(
    followUpsRouter({
      followUps: s.followUps,
      surveyOptions: async () => (await s.surveys.list()).map((x) => ({ id: x.id, name: x.name })),
      ownerOptions: () => s.accounts.ownerOptions(),
      now: () => clock.now(),
      mail: { mailer: s.mailer, mailFrom: config.mailFrom, baseUrl: config.baseUrl },
    }),
  );
  const filterSources = {
    propertyKeys: filterPropertyKeys(
      () => s.stores.contacts.knownPropertyKeys(),
      (surveyId) => s.aggregates.propertyKeysOf(new mongoose.Types.ObjectId(surveyId)),
      clock,
    ),
    tagNames: () => s.tags.list(),
    timeZone: config.reportTimeZone,
  };
  app.use(resultsRouter({ surveys: s.surveys, results: s.results, saidVsDid: s.saidVsDid, ...filterSources }));
  app.use(exportsRouter({ exports: s.exports, survey: (id) => s.surveys.get(id), ...filterSources }));
  app.use(previewRouter({ surveys: s.surveys, branding: s.branding, config, mailer: s.mailer }));
  app.use(brandingRouter({ surveys: s.surveys, branding: s.branding, csrf }));
  app.use(
    sendingRouter({
      surveys: s.surveys,
      sendQueue: s.sendQueue,
      propertyKeys: () => s.stores.contacts.knownPropertyKeys(),
    }),
  );
  app.use(outboxRouter({ outbox: s.outbox, logoByHash: (sha256) => s.branding.logo({ sha256 }) }));
  // The import pages first: /contacts/import is not a contact id.
  app.use(contactImportRouter({ contactImports: s.contactImports, csrf }));
  app.use(
    contactsRouter({
      contacts: s.contacts,
      history: (id) => s.contactHistory(id),
      schedule: (id) => s.autopilot.contactSchedule(id),
    }),
  );
  app.use(ordersRouter({ orderImports: s.orderImports, csrf }));
}

/** Where answers go beyond the results pages: reports, webhooks, chat, and the one-answer page they link to. */
function mountAlertPages(app: Express, s: Services, config: Config): void {
  app.use(
    reportsRouter({
      reports: s.reports,
      runs: s.reportRuns,
      surveyOptions: async () =>
        (await s.surveys.list())
          // Reports and the dashboard pool NPS surveys (results/overall-results.ts).
          .filter((x) => x.type === 'nps')
          .map((x) => ({ id: x.id, name: x.name })),
      userOptions: () => s.accounts.active(),
      timeZone: config.reportTimeZone,
    }),
  );
  app.use(webhooksRouter({ surveys: s.surveys, webhooks: s.webhooks }));
  app.use(chatRouter({ surveys: s.surveys, chat: s.chat }));
  app.use(autoRepliesRouter({ surveys: s.surveys, replies: s.autoReplies }));
  app.use(
    responsePageRouter({
      response: (id) => s.stores.responses.findById(id),
      survey: async (id) => {
        const doc = await s.stores.surveys.findById(id);
        return doc ? surveyDetailOf(doc) : undefined;
      },
      contact: (id) => s.contactIdentity(id),
      caseIdOf: (id) => s.stores.cases.idOfResponse(id),
    }),
  );
}

/** The signed-in home page: the dashboard. */
function mountHome(app: Express, s: Services, config: Config): void {
  app.use(
    dashboardRouter({
      overall: s.overall,
      oldCases: s.oldCases,
      caseAges: (ids, cutoffs) => s.stores.cases.activeCounts(ids, cutoffs),
      clock: s.clock,
      baseUrl: config.baseUrl,
      timeZone: config.reportTimeZone,
      surveyOptions: async () =>
        (await s.surveys.list())
          // Reports and the dashboard pool NPS surveys (results/overall-results.ts).
          .filter((x) => x.type === 'nps')
          .map((x) => ({ id: x.id, name: x.name })),
    }),
  );
}
