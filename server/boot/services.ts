import mongoose from 'mongoose';

import { AccountsService } from '../accounts/accounts.service.js';
import { createApiKeysService } from '../api/api-keys.service.js';
import { AutopilotService } from '../autopilot/autopilot.service.js';
import { BrandingService } from '../branding/branding.service.js';
import type { Config } from '../config.js';
import { ContactImportService } from '../contacts/contact-import.service.js';
import { ContactsService } from '../contacts/contacts.service.js';
import { ExportsService } from '../exports/exports.service.js';
import { FollowUpAlerts } from '../followups/followup-alerts.js';
import { FollowUpsService } from '../followups/followups.service.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { outboundFetch } from '../lib/outbound-http.js';
import { OrderImportService } from '../orders/order-import.service.js';
import { DEFAULT_BOT_THRESHOLDS } from '../responses/bot-signals.js';
import { answersOfContact } from '../responses/contact-answers.js';
import { LinkReader } from '../responses/link-reader.js';
import { responseJson } from '../responses/response-json.js';
import { ResponsesService, type ResponseListener } from '../responses/responses.service.js';
import { ReviewService } from '../responses/review.service.js';
import { TagsService } from '../responses/tags.service.js';
import { DayCountService } from '../results/day-count.service.js';
import { ResponseQueries } from '../results/response-queries.js';
import { ResultsService } from '../results/results.service.js';
import { SaidVsDidService } from '../results/said-vs-did.service.js';
import { SurveyDaysReader } from '../results/survey-days-reader.js';
import { sendingHistoryOf } from '../sending/contact-history.js';
import { createSmtpMailer, type Mailer } from '../sending/mailer.js';
import { createOutboxMailer, Outbox } from '../sending/outbox.js';
import { SendQueue } from '../sending/send-queue.service.js';
import { SendWorker, type SendPolicy } from '../sending/send-worker.js';
import { SurveyMail } from '../sending/survey-mail.js';
import { UnsubscribeService } from '../sending/unsubscribe.service.js';
import { SurveysService } from '../surveys/surveys.service.js';
import { TriggerClaims } from '../triggers/trigger-claims.js';
import { TriggersService } from '../triggers/triggers.service.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { createAlertServices } from './alert-services.js';
import type { Models } from './models.js';
import { createReportServices } from './report-services.js';
import { sealersOf } from './sealers.js';
import { createStores } from './stores.js';

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
  if (!config.smtpUrl) return createOutboxMailer(models.outboxMessages);
  return createSmtpMailer({
    url: config.smtpUrl,
    maxConnections: config.smtpMaxConnections,
    ratePerSecond: config.smtpRatePerSecond,
  });
}

export type SendWorkerOptions = {
  mailer?: Mailer;
  policy?: Partial<SendPolicy>;
  workerId?: string;
  baseUrl?: string;
  mailFrom?: string;
};

/**
 * Every service, built once from the configuration and the models: the one place that knows every
 * domain. The web app (boot/app.ts) and the background jobs (boot/background.ts) both use what it
 * returns, so a process that serves pages and sends email holds one of each service and one mailer.
 * Each service gets the stores and models it touches, nothing more.
 */
export function createServices(deps: ServicesDeps) {
  const { config, logger, models } = deps;
  const clock = deps.clock ?? systemClock;
  const timeZone = config.reportTimeZone;
  const sealers = sealersOf(config);
  const mailer = deps.mailer ?? mailerOf(config, models);
  const stores = createStores(models, timeZone);

  const accounts = new AccountsService({ users: models.users, clock });
  const surveys = new SurveysService(stores.surveys, (id) => stores.responses.answeredQuestionIds(id));
  const branding = new BrandingService({ surveys: stores.surveys, logos: models.brandLogos });
  const contactImports = new ContactImportService({ contacts: stores.contacts, imports: models.contactImports, clock });
  const sendQueue = new SendQueue({ ...stores, runs: models.sendRuns, clock, sealer: sealers.linkToken });
  const followUpDeps = { ...stores, users: accounts, clock };
  const followUps = new FollowUpsService(followUpDeps);
  // The one policy for outgoing HTTP to addresses people type in (lib/outbound-http.ts).
  const outbound = { allowPrivate: config.outboundAllowPrivateHosts, httpsOnly: config.env === 'production' };
  const webhooks = new WebhooksService({
    hooks: models.webhooks,
    deliveries: models.webhookDeliveries,
    clock,
    sealer: sealers.webhookSecret,
    logger,
    outbound,
    fetch: outboundFetch(outbound),
  });
  const { autoReplies, chat, contactIdentity } = createAlertServices({
    config,
    models,
    stores,
    chatSealer: sealers.chatUrl,
    outbound,
    mailer,
    clock,
    logger,
  });
  // Every answer that counts is told to webhooks, follow-ups and chat (after its case, which chat links to).
  const onSaved: ResponseListener = async (event, doc) => {
    const response = doc as unknown as Parameters<typeof responseJson>[0];
    await Promise.all([
      webhooks.enqueue(event, doc.surveyId, responseJson(response)),
      followUps.openFor(doc).then(() => chat.notify(doc)),
      autoReplies.schedule(doc, event),
    ]);
  };
  const links = new LinkReader(models.invitations.collection, {
    surveys: models.surveys.collection.collectionName,
    contacts: models.contacts.collection.collectionName,
    responses: models.responses.collection.collectionName,
  });
  const respondDeps = { ...stores, links, clock, editWindowMs: config.responseEditMs };
  const responses = new ResponsesService({
    ...respondDeps,
    sealer: sealers.pageStamp,
    thresholds: DEFAULT_BOT_THRESHOLDS,
    onSaved,
  });
  const outbox = new Outbox(models.outboxMessages);
  const triggerClaims = new TriggerClaims(models.triggers);
  const contacts = new ContactsService({
    store: stores.contacts,
    clock,
    // In this order; the contact itself goes last, so a deletion that stops halfway can be run again.
    erasers: [
      // Before the responses lose their link to the contact: the notes on their follow-up cases.
      { eraseContact: async (id) => stores.cases.eraseNotesOf(await stores.responses.idsOfContact(id)) },
      { eraseContact: (id) => stores.responses.eraseContact(id, clock.now()) },
      // Tombstones keep no properties: their invitations leave the per-value delivered counts.
      { eraseContact: async (id) => stores.deliveredValues.forgetDelivered(await stores.invitations.eraseContact(id)) },
      stores.skips,
      stores.autopilotEntries,
      stores.orders,
      webhooks,
      chat,
      autoReplies,
      outbox,
      contactImports,
      triggerClaims,
    ],
  });
  const queries = new ResponseQueries({
    responses: models.responses,
    contacts: models.contacts,
    timeZone,
  });
  const reporting = createReportServices({ config, models, stores, accounts, queries, mailer, clock, logger });
  const domains = {
    ...reporting,
    accounts,
    apiKeys: createApiKeysService({ apiKeys: models.apiKeys, clock }),
    surveys,
    aggregates: new DayCountService({
      counts: stores.counts,
      responses: stores.responses,
      invitationCounts: stores.invitations.counts,
      timeZone,
    }),
    contacts,
    contactImports,
    sendQueue,
    followUps,
    followUpAlerts: new FollowUpAlerts({ ...followUpDeps, logger }),
    webhooks,
    chat,
    autoReplies,
    responses,
    reviews: new ReviewService({ ...stores, clock, onSaved }),
    results: new ResultsService({
      counts: stores.counts,
      queries,
      surveys: stores.surveys,
      surveyDays: new SurveyDaysReader(models.surveys.collection, {
        days: models.responseDays.collection.collectionName,
      }),
      deliveredValues: stores.deliveredValues,
      clock,
      timeZone,
    }),
    tags: new TagsService({ tags: models.tags, responses: stores.responses, clock }),
    exports: new ExportsService({
      responses: models.responses,
      contacts: stores.contacts,
      logs: models.exportLogs,
      propertyKeys: (id) => stores.counts.propertyKeysOf(id),
      followUpStatuses: (id) => followUps.statusByResponse(id),
      clock,
      timeZone,
    }),
    branding,
    triggers: new TriggersService({
      ...stores,
      claims: triggerClaims,
      contactImports,
      clock,
      sealer: sealers.linkToken,
    }),
    autopilot: new AutopilotService({
      ...stores,
      entries: stores.autopilotEntries,
      clock,
      sealer: sealers.linkToken,
      timeZone,
    }),
    saidVsDid: new SaidVsDidService({
      ...stores,
      responseModel: models.responses,
      invitations: models.invitations,
      clock,
    }),
    orderImports: new OrderImportService({ orders: stores.orders, contacts: stores.contacts, clock }),
    unsubscribes: new UnsubscribeService({ ...stores, clock }),
    outbox,
  };

  return {
    config,
    clock,
    logger,
    mailer,
    stores,
    ...domains,
    /** Rate-limit counters shared by every instance (web/rate-limit.ts). */
    rateLimits: models.rateLimits,

    /** A send worker (one per process runs as a background job; tests make their own). */
    newSendWorker(options: SendWorkerOptions = {}): SendWorker {
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
    },

    contactIdentity,

    /** A contact's invitations, skips and answers, for their page. */
    async contactHistory(contactId: string) {
      const _id = new mongoose.Types.ObjectId(contactId);
      const [sending, answers, replies] = await Promise.all([
        sendingHistoryOf(stores, _id),
        answersOfContact(stores, _id),
        autoReplies.forContact(_id),
      ]);
      return { ...sending, responses: answers, autoReplies: replies };
    },

    /** Writes what waits to be written now (the response count settles, otherwise within 200 ms). */
    flushWrites: () => stores.responses.flushSettles(),

    /** Writes what waits to be written and closes the SMTP pool. */
    close: async () => {
      await stores.responses.flushSettles();
      await stores.invitations.counts.flush();
      await mailer.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
