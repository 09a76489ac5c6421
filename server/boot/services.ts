import { createAccountsService } from '../accounts/accounts.service.js';
import { createApiKeysService } from '../api/api-keys.service.js';
import { createAutopilotService } from '../autopilot/autopilot.service.js';
import { createBrandingService } from '../branding/branding.service.js';
import type { Config } from '../config.js';
import { createContactImportService } from '../contacts/contact-import.service.js';
import { createContactsService } from '../contacts/contacts.service.js';
import { createExportsService } from '../exports/exports.service.js';
import { createFollowUpsService } from '../followups/followups.service.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createOrderImportService } from '../orders/order-import.service.js';
import { responseJson } from '../responses/response-json.js';
import { createResponsesService, DEFAULT_BOT_THRESHOLDS } from '../responses/responses.service.js';
import { createTagsService } from '../responses/tags.service.js';
import { createAggregates } from '../results/aggregates.js';
import { createResultsService } from '../results/results.service.js';
import { createSaidVsDidService } from '../results/said-vs-did.service.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from '../sending/mailer.js';
import { createSendQueue } from '../sending/send-queue.service.js';
import { createSendWorker, type SendPolicy } from '../sending/send-worker.js';
import { createSurveysService } from '../surveys/surveys.service.js';
import { createTriggersService } from '../triggers/triggers.service.js';
import { createWebhooksService } from '../webhooks/webhooks.service.js';
import type { Models } from './models.js';
import { sealersOf } from './sealers.js';

export interface ServicesDeps {
  config: Config;
  logger: Logger;
  models: Models;
  clock?: Clock;
  /** Survey email, test sends, replies and alert digests; default: SMTP_URL, else the local outbox. */
  mailer?: Mailer;
}

/** SMTP when SMTP_URL is set, else the local outbox. */
export function mailerOf(config: Config, models: Pick<Models, 'outboxMessages'>): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({
        url: config.smtpUrl,
        maxConnections: config.smtpMaxConnections,
        ratePerSecond: config.smtpRatePerSecond,
      })
    : createOutboxMailer(models.outboxMessages);
}

/**
 * Every service, built once from the configuration and the models: the one place that knows every
 * domain. The web app (boot/app.ts) and the background jobs (boot/background.ts) both use what it
 * returns, so a process that serves pages and sends email holds one of each service and one mailer.
 */
export function createServices(deps: ServicesDeps) {
  const { config, logger, models } = deps;
  const clock = deps.clock ?? systemClock;
  const timeZone = config.reportTimeZone;
  const sealers = sealersOf(config);
  const mailer = deps.mailer ?? mailerOf(config, models);

  const accounts = createAccountsService({ users: models.users, clock });
  const apiKeys = createApiKeysService({ apiKeys: models.apiKeys, clock });
  const surveys = createSurveysService({ surveys: models.surveys });
  const aggregates = createAggregates({ models, timeZone });
  const contacts = createContactsService({ ...models, clock, aggregates });
  const contactImports = createContactImportService({
    contacts: models.contacts,
    contactImports: models.contactImports,
    clock,
  });
  const sendQueue = createSendQueue({ models, clock, sealer: sealers.linkToken });
  const followUps = createFollowUpsService({ models, clock, logger });
  const webhooks = createWebhooksService({ models, clock, sealer: sealers.webhookSecret, logger });
  const responses = createResponsesService({
    models,
    clock,
    aggregates,
    onSaved: async (event, doc) => {
      const response = doc as Parameters<typeof responseJson>[0] & { repurchase?: string | null };
      await Promise.all([webhooks.enqueue(event, doc.surveyId, responseJson(response)), followUps.openFor(response)]);
    },
    sealer: sealers.pageStamp,
    policy: { editWindowMs: config.responseEditMs, ...DEFAULT_BOT_THRESHOLDS },
  });
  const results = createResultsService({ models, clock, timeZone, aggregates });
  const tags = createTagsService({ models, clock });
  const exports = createExportsService({ models, clock, timeZone, aggregates });
  const branding = createBrandingService({ models });
  const triggers = createTriggersService({
    models,
    clock,
    sealer: sealers.linkToken,
    upsertContacts: (rows) => contactImports.upsertMany(rows),
  });
  const autopilot = createAutopilotService({ models, clock, sealer: sealers.linkToken, timeZone, logger });
  const saidVsDid = createSaidVsDidService({ models, clock });
  const orderImports = createOrderImportService({ models, clock });

  /** A send worker (one per process runs as a background job; tests make their own). */
  function newSendWorker(
    options: {
      mailer?: Mailer;
      policy?: Partial<SendPolicy>;
      workerId?: string;
      baseUrl?: string;
      mailFrom?: string;
    } = {},
  ) {
    return createSendWorker({
      models,
      mailer: options.mailer ?? mailer,
      clock,
      sealer: sealers.linkToken,
      logger,
      baseUrl: options.baseUrl ?? config.baseUrl,
      mailFrom: options.mailFrom ?? config.mailFrom,
      policy: { concurrency: Math.max(2, config.smtpMaxConnections * 2), ...options.policy },
      ...(options.workerId ? { workerId: options.workerId } : {}),
    });
  }

  return {
    config,
    clock,
    logger,
    mailer,
    accounts,
    apiKeys,
    surveys,
    aggregates,
    contacts,
    contactImports,
    sendQueue,
    followUps,
    webhooks,
    responses,
    results,
    tags,
    exports,
    branding,
    triggers,
    autopilot,
    saidVsDid,
    orderImports,
    newSendWorker,
    /** Closes what the services hold open (the SMTP pool). */
    close: () => mailer.close(),
  };
}

export type Services = ReturnType<typeof createServices>;
