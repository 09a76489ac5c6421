import { createAutopilotService } from '../autopilot/autopilot.service.js';
import type { Config } from '../config.js';
import type { Models } from '../db/models.js';
import { createFollowUpsService } from '../followups/followups.service.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { createSealer } from '../lib/seal.js';
import { createAggregates } from '../results/aggregates.js';
import { createWebhooksService } from '../webhooks/webhooks.service.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from './mailer.js';
import { createSendWorker } from './send-worker.js';

/** The sealer for link tokens: the same key in every process that queues or sends. */
export function linkTokenSealer(config: Config) {
  return createSealer(config.tokenSecret, 'link-token');
}

/** SMTP when SMTP_URL is set, else the local outbox. */
export function createMailer(config: Config, models: Models): Mailer {
  return config.smtpUrl
    ? createSmtpMailer({
        url: config.smtpUrl,
        maxConnections: config.smtpMaxConnections,
        ratePerSecond: config.smtpRatePerSecond,
      })
    : createOutboxMailer(models.outboxMessages);
}

/** A send worker wired from configuration, for npm start and npm run worker. */
export function createConfiguredWorker(config: Config, models: Models, logger: Logger, clock: Clock) {
  const mailer = createMailer(config, models);
  const worker = createSendWorker({
    models,
    mailer,
    clock,
    sealer: linkTokenSealer(config),
    logger,
    baseUrl: config.baseUrl,
    mailFrom: config.mailFrom,
    policy: { concurrency: Math.max(2, config.smtpMaxConnections * 2) },
  });
  // Webhook deliveries run beside the send worker: every 2 s, whatever is due (webhooks.service.ts).
  const webhooks = createWebhooksService({
    models,
    clock,
    sealer: createSealer(config.tokenSecret, 'webhook-secret'),
    logger,
  });
  let delivering: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  let digestTimer: NodeJS.Timeout | undefined;
  let autopilotTimer: NodeJS.Timeout | undefined;
  let repairTimer: NodeJS.Timeout | undefined;
  const aggregates = createAggregates({ models, timeZone: config.reportTimeZone });
  // Autopilot schedules queue invitations that the send worker then sends (autopilot.service.ts).
  const autopilot = createAutopilotService({
    models,
    clock,
    sealer: linkTokenSealer(config),
    timeZone: config.reportTimeZone,
    logger,
  });
  // Follow-up alerts go out as digests through the same mailer as survey email.
  const followUps = createFollowUpsService({ models, clock, logger });
  const startWebhooks = () => {
    timer = setInterval(() => {
      delivering = delivering
        .then(() => webhooks.deliverDue())
        .catch((err: unknown) => logger.error({ err }, 'webhook deliveries failed'));
    }, 2000);
    timer.unref();
    digestTimer = setInterval(() => {
      delivering = delivering
        .then(() => followUps.sendDigests({ mailer, baseUrl: config.baseUrl, mailFrom: config.mailFrom }))
        .catch((err: unknown) => logger.error({ err }, 'follow-up digests failed'));
    }, config.alertDigestMs);
    digestTimer.unref();
    const runAutopilot = () => {
      delivering = delivering
        .then(() => autopilot.runDue())
        .catch((err: unknown) => logger.error({ err }, 'autopilot run failed'));
    };
    runAutopilot();
    autopilotTimer = setInterval(runAutopilot, config.autopilotIntervalMs);
    autopilotTimer.unref();
    // Counts a failed write left behind (results/aggregates.ts) are recounted once the survey is quiet;
    // every 5 minutes, as the look for them reads every response on an engine without indexes.
    repairTimer = setInterval(() => {
      delivering = delivering
        .then(() => aggregates.repairPending({ now: clock.now(), quietMs: 2 * 60_000 }))
        .catch((err: unknown) => logger.error({ err }, 'count repair failed'));
    }, 5 * 60_000);
    repairTimer.unref();
  };
  return {
    worker: {
      ...worker,
      start() {
        worker.start();
        startWebhooks();
      },
    },
    mailerKind: mailer.kind,
    async stop() {
      if (timer) clearInterval(timer);
      if (digestTimer) clearInterval(digestTimer);
      if (autopilotTimer) clearInterval(autopilotTimer);
      if (repairTimer) clearInterval(repairTimer);
      await delivering;
      await worker.stop();
      await mailer.close();
    },
  };
}
