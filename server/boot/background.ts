import { startJobs, type Job, type RunningJobs } from './jobs.js';
import type { Services } from './services.js';

/** How often workers look for count updates a failed write left behind (results/aggregates.ts). */
const COUNT_REPAIR_EVERY_MS = 5 * 60_000;
/** A survey whose counts are repaired must have had no response written for this long. */
const COUNT_REPAIR_QUIET_MS = 2 * 60_000;
/** Automatic replies due are looked for this often. */
const AUTO_REPLIES_EVERY_MS = 30_000;
/** Reports due are looked for this often (a report goes out within a minute of its time). */
const REPORTS_EVERY_MS = 60_000;
/** Webhook deliveries and chat messages due are looked for this often. */
const WEBHOOKS_EVERY_MS = 2000;

/**
 * The one list of background jobs: what a worker process (npm run worker) and the worker inside
 * npm start run. Each job is safe to run in any number of processes at once.
 */
export function backgroundJobs(services: Services, sendWorker = services.newSendWorker()): Job[] {
  const { config } = services;
  return [
    {
      // Claims older than the lease belong to a worker that died mid-send: they become uncertain.
      name: 'recover stale sends',
      everyMs: sendWorker.policy.leaseMs,
      runAtStart: true,
      run: async () => void (await sendWorker.recoverStale()),
    },
    {
      name: 'send survey email',
      everyMs: sendWorker.policy.idleMs,
      runAtStart: true,
      run: async () => (await sendWorker.runOnce()) > 0,
    },
    {
      name: 'deliver webhooks',
      everyMs: WEBHOOKS_EVERY_MS,
      run: async () => void (await services.webhooks.deliverDue()),
    },
    {
      name: 'post chat notifications',
      everyMs: WEBHOOKS_EVERY_MS,
      run: async () => void (await services.chat.deliverDue()),
    },
    {
      name: 'send automatic replies',
      everyMs: AUTO_REPLIES_EVERY_MS,
      run: async () => (await services.autoReplies.sendDue()) > 0,
    },
    {
      // Follow-up alerts go out as digests through the same mailer as survey email.
      name: 'send follow-up alert digests',
      everyMs: config.alertDigestMs,
      run: async () =>
        void (await services.followUpAlerts.sendDigests({
          mailer: services.mailer,
          baseUrl: config.baseUrl,
          mailFrom: config.mailFrom,
        })),
    },
    {
      // Each report's period goes out once, whichever worker gets there first.
      name: 'send email reports',
      everyMs: REPORTS_EVERY_MS,
      runAtStart: true,
      run: async () => void (await services.reportRuns.runDue()),
    },
    {
      // Autopilot schedules queue invitations that the send job then sends.
      name: 'run autopilot schedules',
      everyMs: config.autopilotIntervalMs,
      runAtStart: true,
      run: async () => void (await services.autopilot.runDue()),
    },
    {
      // Every 5 minutes, as the look for pending counts reads every response on an engine without indexes.
      name: 'repair day counts',
      everyMs: COUNT_REPAIR_EVERY_MS,
      run: async () =>
        void (await services.aggregates.repairPending({ now: services.clock.now(), quietMs: COUNT_REPAIR_QUIET_MS })),
    },
  ];
}

/** Starts every background job in this process; `workerId` names its send worker in logs and claims. */
export function startBackground(services: Services): RunningJobs & { workerId: string } {
  const sendWorker = services.newSendWorker();
  const running = startJobs(backgroundJobs(services, sendWorker), services.logger);
  return {
    workerId: sendWorker.id,
    stop: async () => {
      await running.stop();
      await sendWorker.flush();
    },
  };
}
