import mongoose from 'mongoose';

import { CONTACT_STATE_FIELDS, type ContactState, type ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { Sealer } from '../lib/seal.js';
import { surveyIdOf, surveyNotFound } from '../surveys/survey-id.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { messages as surveysMessages } from '../surveys/surveys.messages.js';
import {
  audienceOfRun,
  contactFilterOf,
  emptySkips,
  runOptionsOf,
  sampleOf,
  sampleSize,
  type AudienceOptions,
  type AudiencePlan,
} from './audience.js';
import { eligibility, type SkipReason } from './eligibility.js';
import type { InvitationStatus } from './invitation.model.js';
import type { InvitationStore } from './invitation.store.js';
import { newInvitationDoc } from './new-invitation.js';
import type { SendRunModel } from './send-run.model.js';
import type { SendSkipStore } from './send-skip.store.js';
import { messages } from './sending.messages.js';

type Id = mongoose.Types.ObjectId;
const WRITE_BATCH = 1000;
/** One queueing of a survey at a time: the lease it holds on the survey while it writes. */
const QUEUEING_LEASE_MS = 10 * 60_000;

interface Walk {
  matching: number;
  eligible: number;
  chosen: Id[];
  skips: { contactId: Id; reason: SkipReason }[];
}

export interface SendQueueDeps {
  invitations: InvitationStore;
  skips: SendSkipStore;
  contacts: ContactStore;
  surveys: SurveyStore;
  runs: SendRunModel;
  clock: Clock;
  sealer: Sealer;
}

/**
 * Choosing recipients and queueing invitations. Queueing only writes documents; workers
 * (send-worker.ts) do the sending, so a large send returns as soon as its invitations are stored.
 * The send page's requests are stored first (`sendRuns`, written only here) and carried out by a worker.
 */
export class SendQueue {
  private readonly wakers = new Set<() => void>();

  constructor(private readonly deps: SendQueueDeps) {}

  /** Tells `wake` whenever this process has queued invitations (this process's workers look at once). */
  onQueued(wake: () => void): () => void {
    this.wakers.add(wake);
    return () => this.wakers.delete(wake);
  }

  private queued(): void {
    for (const wake of this.wakers) wake();
  }

  /** What queueing would do now: how many would be invited, and how many skipped for which reason. */
  async planAudience(surveyId: string, options: AudienceOptions): Promise<AudiencePlan> {
    return planOf(await this.walk(surveyIdOf(surveyId), options));
  }

  /**
   * Queues one invitation per chosen contact and records every skip. One queueing per survey at a
   * time (a lease on the survey), so two managers pressing "send" cannot invite anyone twice.
   */
  async queue(surveyId: string, options: AudienceOptions): Promise<AudiencePlan> {
    const { invitations, contacts, skips, surveys, clock, sealer } = this.deps;
    const _id = surveyIdOf(surveyId);
    const now = clock.now();
    if (!(await surveys.acquireQueueing(_id, now, new Date(now.getTime() + QUEUEING_LEASE_MS)))) {
      const status = await surveys.statusOf(_id);
      if (!status) throw surveyNotFound();
      if (status !== 'active') throw new ValidationError(surveysMessages.notActive(status), {}, 'SURVEY_NOT_ACTIVE');
      throw new ConflictError(messages.queueingInProgress, 'QUEUEING_IN_PROGRESS');
    }
    try {
      const w = await this.walk(_id, options);
      for (let i = 0; i < w.chosen.length; i += WRITE_BATCH) {
        const ids = w.chosen.slice(i, i + WRITE_BATCH);
        await invitations.insertMany(
          ids.map((contactId) => newInvitationDoc(sealer, { surveyId: _id, contactId, now })),
        );
        await contacts.markSurveyed(ids, now);
      }
      await skips.record(w.skips.map((s) => ({ ...s, surveyId: _id, at: now })));
      if (w.chosen.length > 0) this.queued();
      return planOf(w);
    } finally {
      await surveys.releaseQueueing(_id);
    }
  }

  /** Records a request to queue the survey for this audience and returns at once; a worker carries it out. */
  async requestQueue(surveyId: string, options: AudienceOptions, userId?: string): Promise<string> {
    const _id = surveyIdOf(surveyId);
    const status = await this.deps.surveys.statusOf(_id);
    if (!status) throw surveyNotFound();
    if (status !== 'active') throw new ValidationError(surveysMessages.notActive(status), {}, 'SURVEY_NOT_ACTIVE');
    const run = await this.deps.runs.create({ surveyId: _id, requestedBy: userId, options: runOptionsOf(options) });
    return String(run._id);
  }

  /**
   * Claims one pending queueing request and carries it out (pending -> running -> done | failed).
   * Runs whose worker died (claimed longer ago than `leaseMs`) are taken up again, which is safe:
   * contacts already invited are skipped. Returns whether there was one.
   */
  async runPending(workerId: string, leaseMs: number): Promise<boolean> {
    const { runs, clock } = this.deps;
    const stale = new Date(clock.now().getTime() - leaseMs);
    await runs.updateMany(
      { status: 'running', claimedAt: mongoose.trusted({ $lt: stale }) },
      { $set: { status: 'pending' } },
    );
    const run = await runs
      .findOneAndUpdate(
        { status: 'pending' },
        { $set: { status: 'running', claimedBy: workerId, claimedAt: clock.now() } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!run) return false;
    const mine = { _id: run._id, claimedBy: workerId };
    try {
      const result = await this.queue(String(run.surveyId), audienceOfRun(run.options!));
      const skipped = Object.values(result.skipped).reduce((a, b) => a + b, 0);
      await runs.updateOne(mine, {
        $set: { status: 'done', queued: result.toQueue, skipped, finishedAt: clock.now() },
      });
    } catch (err) {
      if (err instanceof ConflictError) {
        // Another queueing of this survey is under way: try again later.
        await runs.updateOne(mine, { $set: { status: 'pending' } });
        return false;
      }
      const expected = err instanceof ValidationError || err instanceof NotFoundError;
      await runs.updateOne(mine, {
        $set: { status: 'failed', error: expected ? err.message : messages.queueingFailed, finishedAt: clock.now() },
      });
      if (!expected) throw err;
    }
    return true;
  }

  /** The latest queueing requests of a survey, newest first. */
  async recentRuns(surveyId: string) {
    const runs = await this.deps.runs
      .find({ surveyId: surveyIdOf(surveyId) })
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
  }

  /** Invitations of a survey by delivery status, and skips by reason: the progress on the survey page. */
  async progress(
    surveyId: string,
  ): Promise<{ byStatus: Record<InvitationStatus, number>; skipped: Record<SkipReason, number>; total: number }> {
    const _id = surveyIdOf(surveyId);
    // From the kept counts (invitation-counts.ts), not by counting the survey's invitations.
    const [byStatus, skips] = await Promise.all([
      this.deps.invitations.counts.byStatus(_id),
      this.deps.skips.countByReason(_id),
    ]);
    const skipped = emptySkips();
    for (const row of skips) skipped[row.reason] = row.n;
    return { byStatus, skipped, total: Object.values(byStatus).reduce((sum, n) => sum + n, 0) };
  }

  /** Puts uncertain invitations back in the queue, at a manager's explicit request. */
  async resendUncertain(surveyId: string): Promise<number> {
    const n = await this.deps.invitations.requeueUncertain(surveyIdOf(surveyId), this.deps.clock.now());
    if (n > 0) this.queued();
    return n;
  }

  /** Walks the matching contacts once and sorts them into eligible and skipped (with reasons). */
  private async walk(surveyId: Id, options: AudienceOptions): Promise<Walk> {
    const now = this.deps.clock.now();
    const invited = await this.deps.invitations.invitedContactIds(surveyId);
    const eligible: Id[] = [];
    const skips: Walk['skips'] = [];
    let matching = 0;
    const projection = Object.fromEntries(CONTACT_STATE_FIELDS.split(' ').map((f) => [f, 1 as const]));
    for await (const raw of this.deps.contacts.stream(contactFilterOf(options), projection)) {
      const c = raw as unknown as ContactState;
      matching++;
      const rules = {
        now,
        throttleDays: options.throttleDays,
        whenThrottled: 'skip' as const,
        alreadyInvited: invited.has(String(c._id)),
      };
      const decision = eligibility(c, rules);
      if (decision.kind === 'skip') skips.push({ contactId: c._id, reason: decision.reason });
      else eligible.push(c._id);
    }
    let chosen = eligible;
    if (options.sample) {
      chosen = sampleOf(eligible, sampleSize(eligible.length, options.sample));
      const picked = new Set(chosen.map(String));
      for (const id of eligible) if (!picked.has(String(id))) skips.push({ contactId: id, reason: 'not_sampled' });
    }
    return { matching, eligible: eligible.length, chosen, skips };
  }
}

function planOf(w: Walk): AudiencePlan {
  const skipped = emptySkips();
  for (const s of w.skips) skipped[s.reason]++;
  return { matching: w.matching, eligible: w.eligible, toQueue: w.chosen.length, skipped };
}
