import { randomInt } from 'node:crypto';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { Sealer } from '../lib/seal.js';
import { generateToken, hashToken } from '../lib/tokens.js';
import { INVITATION_STATUSES, type InvitationSource, type InvitationStatus } from './invitation.model.js';
import { SKIP_REASONS, type SkipReason } from './send-skip.model.js';

export interface AudienceOptions {
  /** Contacts whose property `key` equals `value`, all of them (AND). */
  filters: { key: string; value: string }[];
  /** Optional random sample of the eligible contacts: a percentage or a number. */
  sample?: { percent: number } | { count: number };
  /** Skip anyone surveyed (by any survey) in the last N days. */
  throttleDays: number;
  /** Only these contacts (the API's explicit list), still subject to the same skip rules. */
  contactIds?: mongoose.Types.ObjectId[];
}

export interface AudiencePlan {
  matching: number;
  eligible: number;
  toQueue: number;
  skipped: Record<SkipReason, number>;
}

const WRITE_BATCH = 1000;

function emptySkips(): Record<SkipReason, number> {
  return Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
}

/** Picks `count` of `items` uniformly at random (partial Fisher-Yates with a CSPRNG). */
function sampleOf<T>(items: T[], count: number): T[] {
  const pool = items.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

/**
 * A new invitation document, ready for insertMany: a fresh 256-bit link token, stored as its SHA-256
 * for lookup and sealed for the worker that writes the email. Every way of inviting uses this.
 */
export function newInvitationDoc(
  sealer: Sealer,
  fields: {
    surveyId: mongoose.Types.ObjectId;
    contactId: mongoose.Types.ObjectId;
    now: Date;
    sendAt?: Date;
    source?: InvitationSource;
    dedupeKey?: string;
  },
) {
  const token = generateToken();
  const { surveyId, contactId, now } = fields;
  return {
    surveyId,
    contactId,
    tokenHash: hashToken(token),
    tokenSealed: sealer.seal(token),
    status: 'queued',
    attempts: 0,
    queuedAt: now,
    nextAttemptAt: fields.sendAt ?? now,
    source: fields.source ?? 'send',
    ...(fields.dedupeKey ? { dedupeKey: fields.dedupeKey } : {}),
    createdAt: now,
    updatedAt: now,
    __v: 0,
  };
}

/**
 * Choosing recipients and queueing invitations. Queueing only writes documents; workers
 * (send-worker.ts) do the sending, so a large send returns as soon as its invitations are stored.
 */
export function createSendQueue(deps: { models: Models; clock: Clock; sealer: Sealer }) {
  const { models, clock, sealer } = deps;

  function surveyObjectId(id: string): mongoose.Types.ObjectId {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
    return new mongoose.Types.ObjectId(id);
  }

  /** Walks the matching contacts once and sorts them into eligible and skipped (with reasons). */
  async function walk(surveyId: mongoose.Types.ObjectId, options: AudienceOptions) {
    const now = clock.now();
    const since = new Date(now.getTime() - options.throttleDays * 86_400_000);
    const invited = new Set((await models.invitations.distinct('contactId', { surveyId })).map(String));
    const filter: Record<string, unknown> = {};
    for (const { key, value } of options.filters) filter[`properties.${key}`] = value;
    if (options.contactIds) filter._id = { $in: options.contactIds };
    const eligible: mongoose.Types.ObjectId[] = [];
    const skips: { contactId: mongoose.Types.ObjectId; reason: SkipReason }[] = [];
    let matching = 0;
    const cursor = models.contacts.collection.find(filter, {
      projection: { _id: 1, unsubscribedAt: 1, suppressedAt: 1, lastSurveyedAt: 1 },
    });
    for await (const c of cursor) {
      matching++;
      const id = c._id;
      let reason: SkipReason | undefined;
      if (c.unsubscribedAt) reason = 'unsubscribed';
      else if (c.suppressedAt) reason = 'suppressed';
      else if (invited.has(String(id))) reason = 'already_invited';
      else if (c.lastSurveyedAt instanceof Date && c.lastSurveyedAt > since) reason = 'recently_surveyed';
      if (reason) skips.push({ contactId: id, reason });
      else eligible.push(id);
    }
    let chosen = eligible;
    if (options.sample) {
      const count =
        'percent' in options.sample
          ? Math.round((eligible.length * options.sample.percent) / 100)
          : options.sample.count;
      chosen = sampleOf(eligible, count);
      const picked = new Set(chosen.map(String));
      for (const id of eligible) if (!picked.has(String(id))) skips.push({ contactId: id, reason: 'not_sampled' });
    }
    return { matching, eligible: eligible.length, chosen, skips };
  }

  function plan(w: Awaited<ReturnType<typeof walk>>): AudiencePlan {
    const skipped = emptySkips();
    for (const s of w.skips) skipped[s.reason]++;
    return { matching: w.matching, eligible: w.eligible, toQueue: w.chosen.length, skipped };
  }

  const service = {
    /** What queueing would do now: how many would be invited, and how many skipped for which reason. */
    async planAudience(surveyId: string, options: AudienceOptions): Promise<AudiencePlan> {
      return plan(await walk(surveyObjectId(surveyId), options));
    },

    /**
     * Queues one invitation per chosen contact and records every skip. One queueing per survey at a
     * time (a lease on the survey), so two managers pressing "send" cannot invite anyone twice.
     */
    async queue(surveyId: string, options: AudienceOptions): Promise<AudiencePlan> {
      const _id = surveyObjectId(surveyId);
      const now = clock.now();
      const lease = await models.surveys.findOneAndUpdate(
        { _id, status: 'active', $or: [{ queueingUntil: null }, { queueingUntil: mongoose.trusted({ $lt: now }) }] },
        { $set: { queueingUntil: new Date(now.getTime() + 10 * 60_000) } },
      );
      if (!lease) {
        const survey = await models.surveys.findById(_id).lean();
        if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
        if (survey.status !== 'active')
          throw new ValidationError(
            `The survey is ${survey.status}; activate it before sending.`,
            {},
            'SURVEY_NOT_ACTIVE',
          );
        throw new ConflictError(
          'This survey is already being queued by someone else. Wait a moment and look at its progress.',
          'QUEUEING_IN_PROGRESS',
        );
      }
      try {
        const w = await walk(_id, options);
        for (let i = 0; i < w.chosen.length; i += WRITE_BATCH) {
          const ids = w.chosen.slice(i, i + WRITE_BATCH);
          const docs = ids.map((contactId) => newInvitationDoc(sealer, { surveyId: _id, contactId, now }));
          await models.invitations.collection.insertMany(docs, { ordered: false });
          await models.contacts.collection.updateMany({ _id: { $in: ids } }, { $set: { lastSurveyedAt: now } });
        }
        for (let i = 0; i < w.skips.length; i += WRITE_BATCH) {
          await models.sendSkips.collection.insertMany(
            w.skips.slice(i, i + WRITE_BATCH).map((s) => ({ ...s, surveyId: _id, at: now })),
            { ordered: false },
          );
        }
        return plan(w);
      } finally {
        await models.surveys.updateOne({ _id }, { $unset: { queueingUntil: 1 } });
      }
    },

    /**
     * Records a request to queue the survey for this audience and returns at once; a send worker
     * carries it out (runPending). Refuses a survey that is not active.
     */
    async requestQueue(surveyId: string, options: AudienceOptions, userId?: string): Promise<string> {
      const _id = surveyObjectId(surveyId);
      const survey = await models.surveys.findById(_id).lean();
      if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      if (survey.status !== 'active')
        throw new ValidationError(
          `The survey is ${survey.status}; activate it before sending.`,
          {},
          'SURVEY_NOT_ACTIVE',
        );
      const run = await models.sendRuns.create({
        surveyId: _id,
        requestedBy: userId,
        options: {
          filters: options.filters,
          throttleDays: options.throttleDays,
          ...(options.sample && 'percent' in options.sample ? { samplePercent: options.sample.percent } : {}),
          ...(options.sample && 'count' in options.sample ? { sampleCount: options.sample.count } : {}),
        },
      });
      return String(run._id);
    },

    /**
     * Claims one pending queueing request and carries it out. Runs whose worker died (claimed longer
     * ago than `leaseMs`) are taken up again. Returns whether there was one.
     */
    async runPending(workerId: string, leaseMs: number): Promise<boolean> {
      const now = clock.now();
      await models.sendRuns.updateMany(
        { status: 'running', claimedAt: mongoose.trusted({ $lt: new Date(now.getTime() - leaseMs) }) },
        { $set: { status: 'pending' } },
      );
      const run = await models.sendRuns
        .findOneAndUpdate(
          { status: 'pending' },
          { $set: { status: 'running', claimedBy: workerId, claimedAt: now } },
          { returnDocument: 'after' },
        )
        .lean();
      if (!run) return false;
      const o = run.options!;
      const options: AudienceOptions = {
        filters: (o.filters ?? []).map((f) => ({ key: f.key ?? '', value: f.value ?? '' })),
        throttleDays: o.throttleDays,
        ...(typeof o.samplePercent === 'number'
          ? { sample: { percent: o.samplePercent } }
          : typeof o.sampleCount === 'number'
            ? { sample: { count: o.sampleCount } }
            : {}),
      };
      try {
        const result = await service.queue(String(run.surveyId), options);
        const skipped = Object.values(result.skipped).reduce((a, b) => a + b, 0);
        await models.sendRuns.updateOne(
          { _id: run._id, claimedBy: workerId },
          { $set: { status: 'done', queued: result.toQueue, skipped, finishedAt: clock.now() } },
        );
      } catch (err) {
        if (err instanceof ConflictError) {
          // Another queueing of this survey is under way: try again later.
          await models.sendRuns.updateOne({ _id: run._id, claimedBy: workerId }, { $set: { status: 'pending' } });
          return false;
        }
        const message =
          err instanceof ValidationError || err instanceof NotFoundError
            ? err.message
            : 'Queueing stopped because of an error on our side; ask an admin to look at the logs.';
        await models.sendRuns.updateOne(
          { _id: run._id, claimedBy: workerId },
          { $set: { status: 'failed', error: message, finishedAt: clock.now() } },
        );
        if (!(err instanceof ValidationError || err instanceof NotFoundError)) throw err;
      }
      return true;
    },

    /** The latest queueing requests of a survey, newest first. */
    async recentRuns(surveyId: string) {
      const runs = await models.sendRuns
        .find({ surveyId: surveyObjectId(surveyId) })
        .sort({ createdAt: -1 })
        .limit(5)
        .lean();
      return runs.map((r) => ({
        status: r.status,
        queued: r.queued,
        skipped: r.skipped,
        error: r.error,
        createdAt: r.createdAt,
        finishedAt: r.finishedAt,
      }));
    },

    /** Invitations of a survey by delivery status, and skips by reason: the progress on the survey page. */
    async progress(
      surveyId: string,
    ): Promise<{ byStatus: Record<InvitationStatus, number>; skipped: Record<SkipReason, number>; total: number }> {
      const _id = surveyObjectId(surveyId);
      const [statuses, skips] = await Promise.all([
        models.invitations.aggregate<{ _id: InvitationStatus; n: number }>([
          { $match: { surveyId: _id } },
          { $group: { _id: '$status', n: { $sum: 1 } } },
        ]),
        models.sendSkips.aggregate<{ _id: SkipReason; n: number }>([
          { $match: { surveyId: _id } },
          { $group: { _id: '$reason', n: { $sum: 1 } } },
        ]),
      ]);
      const byStatus = Object.fromEntries(INVITATION_STATUSES.map((s) => [s, 0])) as Record<InvitationStatus, number>;
      for (const row of statuses) byStatus[row._id] = row.n;
      const skipped = emptySkips();
      for (const row of skips) skipped[row._id] = row.n;
      return { byStatus, skipped, total: statuses.reduce((sum, r) => sum + r.n, 0) };
    },

    /** Property names seen on contacts (from a sample of the most recent 2,000), for the filter choices. */
    async knownPropertyKeys(): Promise<string[]> {
      // A sample is enough to offer the keys; no sort, so no engine has to order every contact first.
      const docs = await models.contacts.collection
        .find({}, { projection: { properties: 1 } })
        .limit(2000)
        .toArray();
      const keys = new Set<string>();
      for (const d of docs)
        for (const key of Object.keys((d.properties ?? {}) as Record<string, unknown>)) keys.add(key);
      return [...keys].sort((a, b) => a.localeCompare(b));
    },

    /** Puts uncertain invitations back in the queue, at a manager's explicit request. */
    async resendUncertain(surveyId: string): Promise<number> {
      const result = await models.invitations.updateMany(
        { surveyId: surveyObjectId(surveyId), status: 'uncertain' },
        { $set: { status: 'queued', nextAttemptAt: clock.now() }, $unset: { claimedBy: 1, claimedAt: 1 } },
      );
      return result.modifiedCount;
    },
  };
  return service;
}

export type SendQueue = ReturnType<typeof createSendQueue>;
