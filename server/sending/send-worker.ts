import { randomBytes, randomInt } from 'node:crypto';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import { createBrandingService, type LogoData } from '../branding/branding.service.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Sealer } from '../lib/seal.js';
import { surveyDetailOf } from '../surveys/surveys.service.js';
import { DeliveryError, type Mailer } from './mailer.js';
import { createSendQueue } from './send-queue.service.js';
import { renderSurveyEmail, type EmailLogo } from './survey-email.js';

export interface SendPolicy {
  /** Invitations one worker sends at once. */
  concurrency: number;
  /** Attempts before a transiently failing invitation is marked failed. */
  maxAttempts: number;
  /** Wait before retry number `attempt` (1-based). */
  backoffMs: (attempt: number) => number;
  /** Transient failures in a row, per survey, that pause its sending. */
  failureStreakLimit: number;
  /** A claim older than this belongs to a worker that died: its invitation becomes uncertain. */
  leaseMs: number;
  /** How long an idle worker waits before looking again. */
  idleMs: number;
  /** After a look for due reminders found none, how long before the next look. */
  reminderIdleMs: number;
  /** Due invitations read at once as claim candidates, and how long such a list is used. */
  candidateBuffer: number;
  candidateTtlMs: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  concurrency: 10,
  maxAttempts: 8,
  backoffMs: (attempt) => Math.min(3_600_000, 30_000 * 2 ** (attempt - 1)),
  failureStreakLimit: 25,
  leaseMs: 10 * 60_000,
  idleMs: 1000,
  reminderIdleMs: 30_000,
  candidateBuffer: 1000,
  candidateTtlMs: 5000,
};

type ClaimedInvitation = {
  _id: mongoose.Types.ObjectId;
  surveyId: mongoose.Types.ObjectId;
  contactId: mongoose.Types.ObjectId;
  tokenSealed?: string | null;
  attempts: number;
};

/**
 * A send worker. Any number may run, in any number of processes: each invitation is claimed by one
 * atomic findOneAndUpdate (queued -> sending) and every later move names `sending` and the claiming
 * worker in its filter, so no invitation is sent twice. See server/sending/README.md for the guarantees.
 */
export function createSendWorker(deps: {
  models: Models;
  mailer: Mailer;
  clock: Clock;
  sealer: Sealer;
  logger: Logger;
  baseUrl: string;
  mailFrom: string;
  policy?: Partial<SendPolicy>;
  workerId?: string;
}) {
  const { models, mailer, clock, sealer, logger } = deps;
  const policy: SendPolicy = { ...DEFAULT_SEND_POLICY, ...deps.policy };
  const workerId = deps.workerId ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
  const sendQueue = createSendQueue({ models, clock, sealer });
  let lastEmptyReminderCheck = -Infinity;
  let lastBatchClaimed = false;
  let lastLookAt = 0;
  let activeSurveys: ActiveSurvey[] | undefined;

  /** Moves the invitation out of `sending`, only if this worker still holds it. */
  async function settle(id: mongoose.Types.ObjectId, update: Record<string, unknown>): Promise<boolean> {
    const result = await models.invitations.updateOne({ _id: id, status: 'sending', claimedBy: workerId }, update);
    return result.modifiedCount === 1;
  }

  // Logos by id: a new upload is a new id, so a cached logo is never stale.
  const logos = new Map<string, LogoData | undefined>();
  const branding = createBrandingService({ models });
  async function logoOf(survey: ActiveSurvey): Promise<EmailLogo | undefined> {
    if (!survey.logoId) return undefined;
    if (!logos.has(survey.logoId)) logos.set(survey.logoId, await branding.logo({ id: survey.logoId }));
    return logos.get(survey.logoId);
  }

  /** The email for one invitation or its reminder, with the link token unsealed. */
  async function compose(
    inv: ClaimedInvitation,
    survey: ActiveSurvey,
    contact: { email: string; name?: string | null; locale?: string | null },
    reminder: boolean,
  ) {
    if (!inv.tokenSealed) throw new Error('the invitation has no link token');
    return renderSurveyEmail({
      survey,
      contact: { email: contact.email, name: contact.name ?? '', locale: contact.locale ?? '' },
      token: sealer.open(inv.tokenSealed),
      invitationId: String(inv._id),
      baseUrl: deps.baseUrl,
      mailFrom: deps.mailFrom,
      reminder,
      logo: await logoOf(survey),
    });
  }

  // Due invitations this worker will try to claim next, read in one query and used across batches (in
  // a shuffled order, so workers seldom reach for the same one), and read again when used up or a few
  // seconds old. One read per thousand candidates instead of one per batch: an engine that scans for
  // this query (mongo-java-server) no longer reads past everything already sent for every batch.
  let candidates: mongoose.Types.ObjectId[] = [];
  let candidatesAt = 0;

  /**
   * Claims up to `limit` due invitations. Each is claimed by an updateOne on its _id whose filter still
   * requires `queued`: when two workers pick the same candidate, exactly one update matches and the
   * other simply moves on. A candidate that was put back for a retry after it was read (so is not due
   * yet) is released again at once.
   */
  async function claimBatch(activeSurveys: mongoose.Types.ObjectId[], limit: number): Promise<ClaimedInvitation[]> {
    const now = clock.now();
    let fresh = false;
    const refill = async () => {
      const due = {
        status: 'queued' as const,
        nextAttemptAt: mongoose.trusted({ $lte: now }),
        surveyId: mongoose.trusted({ $in: activeSurveys }),
      };
      const docs = await models.invitations.find(due).select('_id').limit(policy.candidateBuffer).lean();
      candidates = docs.map((d) => d._id);
      for (let i = candidates.length - 1; i > 0; i--) {
        const j = randomInt(i + 1);
        [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
      }
      candidatesAt = now.getTime();
      fresh = true;
    };
    if (now.getTime() - candidatesAt > policy.candidateTtlMs) await refill();
    const claimed: ClaimedInvitation[] = [];
    while (claimed.length < limit) {
      // An old list that ran dry (others sent the rest) is read again once before giving up.
      if (candidates.length === 0) {
        if (fresh) break;
        await refill();
        if (candidates.length === 0) break;
      }
      // As many claims as are still wanted, in one round trip; those another worker won do not match.
      const tries = candidates.splice(-Math.min(limit - claimed.length, candidates.length));
      await models.invitations.collection.bulkWrite(
        tries.map((_id) => ({
          updateOne: {
            filter: { _id, status: 'queued' },
            update: { $set: { status: 'sending', claimedBy: workerId, claimedAt: now }, $inc: { attempts: 1 } },
          },
        })),
        { ordered: false },
      );
      // Read back by _id alone (every engine's index): the ones now held by this worker are ours.
      const docs = await models.invitations
        .find({ _id: mongoose.trusted({ $in: tries }) })
        .select('_id surveyId contactId tokenSealed attempts claimedBy nextAttemptAt status')
        .lean<(ClaimedInvitation & { claimedBy?: string | null; nextAttemptAt?: Date | null; status: string })[]>();
      for (const d of docs) {
        if (d.status !== 'sending' || d.claimedBy !== workerId) continue;
        if (d.nextAttemptAt && d.nextAttemptAt > now) {
          await settle(d._id, { $set: { status: 'queued' }, $unset: { claimedBy: 1 }, $inc: { attempts: -1 } });
          continue;
        }
        claimed.push(d);
      }
    }
    return claimed;
  }

  async function onTransientFailure(inv: ClaimedInvitation, error: DeliveryError | Error): Promise<void> {
    const now = clock.now();
    const giveUp = inv.attempts >= policy.maxAttempts;
    await settle(
      inv._id,
      giveUp
        ? {
            $set: {
              status: 'failed',
              lastError: `gave up after ${inv.attempts} attempts: ${error.message}`.slice(0, 2000),
            },
            $unset: { claimedBy: 1 },
          }
        : {
            $set: {
              status: 'queued',
              lastError: error.message.slice(0, 2000),
              nextAttemptAt: new Date(now.getTime() + policy.backoffMs(inv.attempts)),
            },
            $unset: { claimedBy: 1 },
          },
    );
    const survey = await models.surveys
      .findOneAndUpdate({ _id: inv.surveyId }, { $inc: { sendFailureStreak: 1 } }, { returnDocument: 'after' })
      .lean();
    if (survey && (survey.sendFailureStreak ?? 0) >= policy.failureStreakLimit) {
      const reason =
        `Sending paused after ${survey.sendFailureStreak} failed attempts in a row. Last error: ${error.message}`.slice(
          0,
          1000,
        );
      const paused = await models.surveys.updateOne(
        { _id: inv.surveyId, status: 'active' },
        { $set: { status: 'paused', pausedReason: reason } },
      );
      if (paused.modifiedCount === 1) logger.warn({ surveyId: String(inv.surveyId) }, reason);
    }
  }

  type ContactForSend = {
    _id: mongoose.Types.ObjectId;
    email: string;
    name?: string | null;
    locale?: string | null;
    unsubscribedAt?: Date | null;
    suppressedAt?: Date | null;
  };

  /** Sends one claimed invitation and settles it. Returns whether it went out (and is now `sent`). */
  async function deliver(
    inv: ClaimedInvitation,
    surveys: Map<string, ActiveSurvey>,
    contacts: Map<string, ContactForSend>,
  ): Promise<boolean> {
    const survey = surveys.get(String(inv.surveyId));
    const contact = contacts.get(String(inv.contactId));
    if (!survey) {
      // Claimed for a survey that is no longer in this batch's active list: leave it for later.
      await settle(inv._id, { $set: { status: 'queued' }, $unset: { claimedBy: 1 } });
      return false;
    }
    if (!contact || contact.unsubscribedAt || contact.suppressedAt) {
      const why = !contact ? 'contact deleted' : contact.unsubscribedAt ? 'contact unsubscribed' : 'address suppressed';
      await settle(inv._id, { $set: { status: 'suppressed', lastError: why }, $unset: { claimedBy: 1 } });
      return false;
    }
    let message;
    try {
      message = await compose(inv, survey, contact, false);
    } catch (err) {
      // Nothing left this process: safe to retry.
      await onTransientFailure(inv, err instanceof Error ? err : new Error(String(err)));
      return false;
    }
    try {
      await mailer.send(message);
    } catch (err) {
      const error =
        err instanceof DeliveryError
          ? err
          : new DeliveryError('uncertain', err instanceof Error ? err.message : String(err));
      if (error.kind === 'transient') {
        await onTransientFailure(inv, error);
        return false;
      }
      if (error.kind === 'permanent') {
        await settle(inv._id, {
          $set: { status: 'failed', lastError: error.message.slice(0, 2000) },
          $unset: { claimedBy: 1 },
        });
        await models.contacts.updateOne(
          { _id: inv.contactId, suppressedAt: null },
          { $set: { suppressedAt: clock.now(), suppressedReason: error.message.slice(0, 1000) } },
        );
        return false;
      }
      await settle(inv._id, {
        $set: { status: 'uncertain', lastError: error.message.slice(0, 2000) },
        $unset: { claimedBy: 1 },
      });
      return false;
    }
    return settle(inv._id, {
      $set: { status: 'sent', sentAt: clock.now(), messageId: message.messageId },
      $unset: { claimedBy: 1, lastError: 1 },
    });
  }

  /**
   * After a batch: each survey's delivered count (the response rate's denominator, kept here so
   * results never count invitations) grows by what went out, and its failure streak ends.
   */
  async function recordDelivered(delivered: mongoose.Types.ObjectId[]): Promise<void> {
    const bySurvey = new Map<string, { _id: mongoose.Types.ObjectId; n: number }>();
    for (const surveyId of delivered) {
      const entry = bySurvey.get(String(surveyId));
      if (entry) entry.n++;
      else bySurvey.set(String(surveyId), { _id: surveyId, n: 1 });
    }
    await Promise.all(
      [...bySurvey.values()].map(({ _id, n }) =>
        models.surveys.updateOne({ _id }, { $set: { sendFailureStreak: 0 }, $inc: { deliveredCount: n } }),
      ),
    );
  }

  async function loadSurveys() {
    const docs = await models.surveys.find({ status: 'active' }).lean();
    return docs.map((d) => {
      const survey = surveyDetailOf(d);
      return {
        ...survey,
        _id: d._id,
        reminderAfterMs: survey.reminderEnabled ? survey.reminderAfterDays * 86_400_000 : undefined,
      };
    });
  }

  type ActiveSurvey = Awaited<ReturnType<typeof loadSurveys>>[number];

  /**
   * Claims one invitation due for its reminder: sent, not answered, no reminder yet, sent longer ago
   * than the survey's delay. Same rules as invitations: one atomic claim, settled only by its holder.
   */
  async function claimReminder(
    survey: ActiveSurvey,
  ): Promise<(ClaimedInvitation & { reminderAttempts: number }) | null> {
    if (survey.reminderAfterMs === undefined) return null;
    const now = clock.now();
    return models.invitations
      .findOneAndUpdate(
        {
          surveyId: survey._id,
          status: 'sent',
          respondedAt: null,
          reminderStatus: null,
          sentAt: mongoose.trusted({ $lte: new Date(now.getTime() - survey.reminderAfterMs) }),
          $or: [{ reminderNextAttemptAt: null }, { reminderNextAttemptAt: mongoose.trusted({ $lte: now }) }],
        },
        { $set: { reminderStatus: 'sending', claimedBy: workerId, claimedAt: now }, $inc: { reminderAttempts: 1 } },
        {
          returnDocument: 'after',
          projection: { _id: 1, surveyId: 1, contactId: 1, tokenSealed: 1, reminderAttempts: 1 },
        },
      )
      .lean<ClaimedInvitation & { reminderAttempts: number }>();
  }

  async function settleReminder(id: mongoose.Types.ObjectId, update: Record<string, unknown>): Promise<void> {
    await models.invitations.updateOne({ _id: id, reminderStatus: 'sending', claimedBy: workerId }, update);
  }

  /** Sends one reminder. Transient failures retry with the same backoff; after that the reminder is dropped. */
  async function deliverReminder(
    inv: ClaimedInvitation & { reminderAttempts: number },
    survey: ActiveSurvey,
  ): Promise<void> {
    const contact = await models.contacts.findById(inv.contactId).lean();
    if (!contact || contact.unsubscribedAt || contact.suppressedAt || !inv.tokenSealed) {
      await settleReminder(inv._id, { $set: { reminderStatus: 'skipped' }, $unset: { claimedBy: 1 } });
      return;
    }
    const message = await compose(inv, survey, contact, true);
    try {
      await mailer.send(message);
    } catch (err) {
      const error =
        err instanceof DeliveryError
          ? err
          : new DeliveryError('uncertain', err instanceof Error ? err.message : String(err));
      if (error.kind === 'transient' && inv.reminderAttempts < policy.maxAttempts) {
        const next = new Date(clock.now().getTime() + policy.backoffMs(inv.reminderAttempts));
        await settleReminder(inv._id, {
          $unset: { reminderStatus: 1, claimedBy: 1 },
          $set: { reminderNextAttemptAt: next, lastError: error.message.slice(0, 2000) },
        });
      } else {
        await settleReminder(inv._id, {
          $set: {
            reminderStatus: error.kind === 'uncertain' ? 'uncertain' : 'failed',
            lastError: error.message.slice(0, 2000),
          },
          $unset: { claimedBy: 1 },
        });
        if (error.kind === 'permanent') {
          await models.contacts.updateOne(
            { _id: inv.contactId, suppressedAt: null },
            { $set: { suppressedAt: clock.now(), suppressedReason: error.message.slice(0, 1000) } },
          );
        }
      }
      return;
    }
    // The sealed token is no longer needed once the last email that carries it has gone.
    await settleReminder(inv._id, {
      $set: { reminderStatus: 'sent', remindedAt: clock.now() },
      $unset: { claimedBy: 1, tokenSealed: 1 },
    });
  }

  const worker = {
    id: workerId,
    policy,

    /**
     * Invitations left in `sending` by a worker that stopped mid-send (its claim is older than the
     * lease) become uncertain: the message may or may not have reached the mail server, so it is not
     * sent again unless a manager asks.
     */
    async recoverStale(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - policy.leaseMs);
      const result = await models.invitations.updateMany(
        { status: 'sending', claimedAt: mongoose.trusted({ $lt: cutoff }) },
        {
          $set: { status: 'uncertain', lastError: 'the worker stopped while this message was being sent' },
          $unset: { claimedBy: 1 },
        },
      );
      await models.invitations.updateMany(
        { reminderStatus: 'sending', claimedAt: mongoose.trusted({ $lt: cutoff }) },
        { $set: { reminderStatus: 'uncertain' }, $unset: { claimedBy: 1 } },
      );
      if (result.modifiedCount > 0)
        logger.warn({ count: result.modifiedCount }, 'invitations left mid-send by a stopped worker are now uncertain');
      return result.modifiedCount;
    },

    /** Claims up to `concurrency` due invitations of active surveys and sends them. Returns how many. */
    async runOnce(): Promise<number> {
      // While a send is under way (the last batch claimed something), queueing requests and the list
      // of active surveys are looked at once a second, not before every batch; otherwise every time.
      const t = performance.now();
      const busy = lastBatchClaimed && activeSurveys !== undefined && t - lastLookAt < 1000;
      // Queueing requests first: they turn into the invitations sent below.
      const queuedRun = busy ? false : await sendQueue.runPending(workerId, policy.leaseMs);
      const surveys = busy && activeSurveys ? activeSurveys : await loadSurveys();
      if (!busy) {
        lastLookAt = t;
        activeSurveys = surveys;
      }
      if (surveys.length === 0) return queuedRun ? 1 : 0;
      const byId = new Map(surveys.map((s) => [s.id, s]));
      const ids = surveys.map((s) => s._id);
      const claimed = await claimBatch(ids, policy.concurrency);
      const reminders: { inv: ClaimedInvitation & { reminderAttempts: number }; survey: ActiveSurvey }[] = [];
      // Reminders are due days after sending: after a look that found none, wait before looking again
      // (the query reads many invitations), instead of asking between every batch of a large send.
      const now = clock.now().getTime();
      if (now - lastEmptyReminderCheck >= policy.reminderIdleMs) {
        for (const survey of surveys) {
          while (claimed.length + reminders.length < policy.concurrency) {
            const inv = await claimReminder(survey);
            if (!inv) break;
            reminders.push({ inv, survey });
          }
        }
        lastEmptyReminderCheck = reminders.length === 0 ? now : -Infinity;
      }
      // The batch's contacts in one read by _id.
      const contacts = new Map(
        claimed.length === 0
          ? []
          : (
              await models.contacts
                .find({ _id: mongoose.trusted({ $in: claimed.map((inv) => inv.contactId) }) })
                .select('_id email name locale unsubscribedAt suppressedAt')
                .lean<ContactForSend[]>()
            ).map((c) => [String(c._id), c]),
      );
      const [sent] = await Promise.all([
        Promise.all(claimed.map((inv) => deliver(inv, byId, contacts))),
        Promise.all(reminders.map((r) => deliverReminder(r.inv, r.survey))),
      ]);
      await recordDelivered(claimed.filter((_, i) => sent[i]).map((inv) => inv.surveyId));
      lastBatchClaimed = claimed.length > 0;
      return claimed.length + reminders.length + (queuedRun ? 1 : 0);
    },
  };
  return worker;
}

export type SendWorker = ReturnType<typeof createSendWorker>;
