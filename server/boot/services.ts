import mongoose from 'mongoose';

import { createAccountsService } from '../accounts/accounts.service.js';
import { createApiKeysService } from '../api/api-keys.service.js';
import { AutopilotEntryStore } from '../autopilot/autopilot-entry.store.js';
import { AutopilotService } from '../autopilot/autopilot.service.js';
import { BrandingService } from '../branding/branding.service.js';
import type { Config } from '../config.js';
import { ContactImportService } from '../contacts/contact-import.service.js';
import { ContactStore } from '../contacts/contact.store.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { createExportsService } from '../exports/exports.service.js';
import { createFollowUpsService } from '../followups/followups.service.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { OrderImportService } from '../orders/order-import.service.js';
import { OrderStore } from '../orders/order.store.js';
import { responseJson } from '../responses/response-json.js';
import { createResponsesService, DEFAULT_BOT_THRESHOLDS } from '../responses/responses.service.js';
import { createTagsService } from '../responses/tags.service.js';
import { createAggregates } from '../results/aggregates.js';
import { createResultsService } from '../results/results.service.js';
import { createSaidVsDidService } from '../results/said-vs-did.service.js';
import { sendingHistoryOf } from '../sending/contact-history.js';
import { InvitationStore } from '../sending/invitation.store.js';
import { createSmtpMailer, type Mailer } from '../sending/mailer.js';
import { createOutboxMailer, Outbox } from '../sending/outbox.js';
import { SendQueue } from '../sending/send-queue.service.js';
import { SendSkipStore } from '../sending/send-skip.store.js';
import { SendWorker, type SendPolicy } from '../sending/send-worker.js';
import { SurveyMail } from '../sending/survey-mail.js';
import { UnsubscribeService } from '../sending/unsubscribe.service.js';
import { SurveyStore } from '../surveys/survey.store.js';
import { SurveysService } from '../surveys/surveys.service.js';
import { TriggerClaims } from '../triggers/trigger-claims.js';
import { TriggersService } from '../triggers/triggers.service.js';
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

  const stores = {
    surveys: new SurveyStore(models.surveys),
    contacts: new ContactStore(models.contacts),
    invitations: new InvitationStore(models.invitations),
    skips: new SendSkipStore(models.sendSkips),
    orders: new OrderStore(models.orders),
    autopilotEntries: new AutopilotEntryStore(models.autopilotEntries),
  };
  const accounts = createAccountsService({ users: models.users, clock });
  const apiKeys = createApiKeysService({ apiKeys: models.apiKeys, clock });
  const surveys = new SurveysService(stores.surveys);
  const aggregates = createAggregates({ models, timeZone });
  const contactImports = new ContactImportService({ contacts: stores.contacts, imports: models.contactImports, clock });
  const sendQueue = new SendQueue({ ...stores, runs: models.sendRuns, clock, sealer: sealers.linkToken });
  const branding = new BrandingService({ surveys: stores.surveys, logos: models.brandLogos });
  const unsubscribes = new UnsubscribeService({ ...stores, clock });
  const outbox = new Outbox(models.outboxMessages);
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
  // Until the responses domain owns its erasure: anonymise the contact's answers and move their counts.
  const responseEraser = {
    async eraseContact(contactId: mongoose.Types.ObjectId) {
      const answered = await models.responses
        .find({ contactId })
        .select('surveyId submittedAt channel score repurchase review contactSnapshot')
        .lean();
      await models.responses.updateMany(
        { contactId },
        { $unset: { contactId: 1, invitationId: 1 }, $set: { comment: '', contactSnapshot: {} } },
      );
      for (const r of answered) await aggregates.applyChange(r, { ...r, contactSnapshot: {} });
    },
  };
  const contacts = new ContactsService({
    store: stores.contacts,
    clock,
    erasers: [responseEraser, stores.invitations, stores.skips, stores.autopilotEntries, stores.orders],
  });
  const results = createResultsService({ models, clock, timeZone, aggregates });
  const tags = createTagsService({ models, clock });
  const exports = createExportsService({ models, clock, timeZone, aggregates });
  const triggers = new TriggersService({
    ...stores,
    claims: new TriggerClaims(models.triggers),
    contactImports,
    clock,
    sealer: sealers.linkToken,
  });
  const autopilot = new AutopilotService({
    ...stores,
    entries: stores.autopilotEntries,
    clock,
    sealer: sealers.linkToken,
    timeZone,
  });
  const saidVsDid = createSaidVsDidService({ models, clock });
  const orderImports = new OrderImportService({ orders: stores.orders, contacts: stores.contacts, clock });

  /** A send worker (one per process runs as a background job; tests make their own). */
  function newSendWorker(
    options: {
      mailer?: Mailer;
      policy?: Partial<SendPolicy>;
      workerId?: string;
      baseUrl?: string;
      mailFrom?: string;
    } = {},
  ): SendWorker {
    const mail = new SurveyMail({
      sealer: sealers.linkToken,
      logo: (id) => branding.logo({ id }),
      baseUrl: options.baseUrl ?? config.baseUrl,
      mailFrom: options.mailFrom ?? config.mailFrom,
    });
    return new SendWorker({
      ...stores,
      queue: sendQueue,
      mail,
      mailer: options.mailer ?? mailer,
      clock,
      logger,
      policy: { concurrency: Math.max(2, config.smtpMaxConnections * 2), ...options.policy },
      ...(options.workerId ? { workerId: options.workerId } : {}),
    });
  }

  /** A contact's invitations, skips and answers, for their page. */
  async function contactHistory(contactId: string) {
    const _id = new mongoose.Types.ObjectId(contactId);
    const [sending, resps] = await Promise.all([
      sendingHistoryOf(stores, _id),
      models.responses.find({ contactId: _id }).sort({ submittedAt: -1 }).limit(100).lean(),
    ]);
    const names = await stores.surveys.names(resps.map((r) => r.surveyId));
    const responsesOfContact = resps.map((r) => ({
      id: String(r._id),
      surveyName: names.get(String(r.surveyId)) ?? '(deleted survey)',
      score: r.score,
      category: r.category,
      comment: r.comment ?? '',
      submittedAt: r.submittedAt,
    }));
    return { ...sending, responses: responsesOfContact };
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
    stores,
    unsubscribes,
    outbox,
    contactHistory,
    /** Closes what the services hold open (the SMTP pool). */
    close: () => mailer.close(),
  };
}

export type Services = ReturnType<typeof createServices>;
