import mongoose from 'mongoose';

import { isDuplicateKeyError } from '../lib/errors.js';
import { plainProperties } from '../lib/properties.js';
import type { DeliveredBatch, SentMessage } from './delivered-port.js';
import type { InvitationCounts } from './invitation-counts.js';
import type { ClaimedInvitation } from './invitation-reads.js';
import { DURABLE, errorText, InvitationReminderWrites } from './invitation-reminder-writes.js';
import { tombstoneOf } from './invitation-tombstone.js';
import type { InvitationModel, InvitationStatus } from './invitation.model.js';
import type { NewInvitation } from './new-invitation.js';

export type { ClaimedInvitation, ClaimedReminder } from './invitation-reads.js';

type Id = mongoose.Types.ObjectId;
type Settle = { $set: Record<string, unknown> & { status: InvitationStatus }; [op: string]: unknown };
const { trusted } = mongoose;

/**
 * The one module that writes the `invitations` collection: the state machine of
 * server/sending/README.md as named transitions. An invitation moves queued -> sending -> sent |
 * failed | uncertain | suppressed; every move is one atomic update whose filter names the state it
 * may come from, and every move out of `sending` also names the worker holding the claim, so a
 * stale worker can never overwrite what another worker or the recovery decided. Reminders have the
 * same shape on `reminderStatus` (their transitions are in invitation-reminder-writes.ts, the part of
 * this class kept in its own file). Answers only mark the invitation (clicked, answered).
 */
export class InvitationStore extends InvitationReminderWrites {
  constructor(
    invitations: InvitationModel,
    /** Told every status change made here (the survey page's delivery counts). */
    readonly counts: InvitationCounts,
  ) {
    super(invitations);
  }

  // ---- Creating ----

  /**
   * Stores new invitations. Those with a dedupe key that is already taken (a repeat of an autopilot
   * cycle or a trigger) are left out by the unique index; anything else that fails is thrown.
   */
  async insertMany(docs: readonly NewInvitation[]): Promise<void> {
    if (docs.length === 0) return;
    let left = new Set<number>();
    try {
      await this.invitations.collection.insertMany([...docs], { ordered: false });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      left = new Set((err as { writeErrors?: { index: number }[] }).writeErrors?.map((e) => e.index) ?? []);
    }
    docs.forEach((d, i) => void (left.has(i) ? undefined : this.counts.move(d.surveyId, null, 'queued')));
    await this.counts.flush();
  }

  /** Stores one invitation with a dedupe key, or finds the one that already has it; returns its id. */
  async insertOnce(doc: NewInvitation & { dedupeKey: string }): Promise<Id> {
    try {
      const { insertedId } = await this.invitations.collection.insertOne({ ...doc });
      this.counts.move(doc.surveyId, null, 'queued');
      await this.counts.flush();
      return insertedId;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return (await this.invitations.findOne({ dedupeKey: doc.dedupeKey }).select('_id').lean())!._id;
    }
  }

  // ---- Claiming and settling a send ----

  /**
   * Queued invitations of these surveys that are due, at most `limit` (claim candidates), with what a
   * send needs. Every claim changes `attempts` (and only a claimed one is retried later), and the
   * claim checks it.
   */
  async dueCandidates(surveyIds: readonly Id[], now: Date, limit: number): Promise<ClaimedInvitation[]> {
    const due = {
      status: 'queued' as const,
      nextAttemptAt: trusted({ $lte: now }),
      surveyId: trusted({ $in: [...surveyIds] }),
    };
    return this.invitations
      .find(due)
      .select('_id surveyId contactId tokenSealed attempts')
      .limit(limit)
      .lean<ClaimedInvitation[]>();
  }

  /**
   * queued -> sending for each candidate still queued as read (same attempts: a stale one misses), in
   * one round trip; returns the ones this worker now holds. When two workers try the same invitation,
   * exactly one update matches. When every claim matched (the usual case) the candidates are what was
   * claimed and nothing is read back; otherwise the winners are read back by _id.
   */
  async claim(candidates: readonly ClaimedInvitation[], workerId: string, now: Date): Promise<ClaimedInvitation[]> {
    if (candidates.length === 0) return [];
    const result = await this.invitations.collection.bulkWrite(
      candidates.map((c) => ({
        updateOne: {
          filter: { _id: c._id, status: 'queued', attempts: c.attempts },
          update: { $set: { status: 'sending', claimedBy: workerId, claimedAt: now }, $inc: { attempts: 1 } },
        },
      })),
      { ordered: false, ...DURABLE },
    );
    const counted = (c: ClaimedInvitation) => {
      this.counts.move(c.surveyId, 'queued', 'sending');
      return { ...c, attempts: c.attempts + 1 };
    };
    // The send path's count moves (here and in markSentMany) go out with the next second's, not per
    // batch (invitation-counts.ts); every other transition writes its move at once.
    if (result.matchedCount === candidates.length) return candidates.map(counted);
    // Read back by _id alone (every engine's index): the ones now held by this worker are ours.
    const docs = await this.invitations
      .find({ _id: trusted({ $in: candidates.map((c) => c._id) }) })
      .select('_id claimedBy claimedAt status')
      .lean<{ _id: Id; claimedBy?: string | null; claimedAt?: Date | null; status: string }[]>();
    const ours = new Set(
      docs
        .filter((d) => d.status === 'sending' && d.claimedBy === workerId && d.claimedAt?.getTime() === now.getTime())
        .map((d) => String(d._id)),
    );
    return candidates.filter((c) => ours.has(String(c._id))).map(counted);
  }

  /** sending -> queued (not this worker's to send now); with `undoAttempt` the claim does not count as a try. */
  release(id: Id, workerId: string, options: { undoAttempt?: boolean } = {}): Promise<boolean> {
    return this.settle(id, workerId, {
      $set: { status: 'queued' },
      $unset: { claimedBy: 1 },
      ...(options.undoAttempt ? { $inc: { attempts: -1 } } : {}),
    });
  }

  /**
   * sending -> sent for a batch the mail server accepted (one bulk write, with the contacts' properties then): those it still held.
   */
  async markSentMany<T extends SentMessage>(workerId: string, sent: readonly T[]): Promise<T[]> {
    if (sent.length === 0) return [];
    const result = await this.invitations.collection.bulkWrite(
      sent.map((m) => ({
        updateOne: {
          filter: { _id: m.id, status: 'sending', claimedBy: workerId },
          update: {
            $set: { status: 'sent', sentAt: m.at, messageId: m.messageId, contactSnapshot: m.properties },
            $unset: { claimedBy: 1, lastError: 1 },
          },
        },
      })),
      { ordered: false, ...DURABLE },
    );
    let settled = [...sent];
    if (result.modifiedCount !== sent.length) {
      // A claim outlived its lease (rare): which ones are this batch's now?
      const ids = { _id: { $in: sent.map((m) => m.id) }, messageId: { $in: sent.map((m) => m.messageId) } };
      const ours = new Set((await this.invitations.collection.find(ids).toArray()).map((d) => String(d._id)));
      settled = sent.filter((m) => ours.has(String(m.id)));
    }
    for (const m of settled) this.counts.move(m.surveyId, 'sending', 'sent');
    return settled;
  }

  /** sending -> queued, to be tried again at `at` (a transient failure). */
  retryLater(id: Id, workerId: string, error: string, at: Date): Promise<boolean> {
    return this.leave(id, workerId, 'queued', errorText(error), { nextAttemptAt: at });
  }

  /** sending -> failed (refused for good, or out of attempts). */
  markFailed(id: Id, workerId: string, error: string): Promise<boolean> {
    return this.leave(id, workerId, 'failed', errorText(error));
  }

  /** sending -> uncertain: handed over, but the connection broke; never resent automatically. */
  markUncertain(id: Id, workerId: string, error: string): Promise<boolean> {
    return this.leave(id, workerId, 'uncertain', errorText(error));
  }

  /** sending -> suppressed: the contact may not be emailed (unsubscribed, suppressed, deleted). */
  markSuppressed(id: Id, workerId: string, why: string): Promise<boolean> {
    return this.leave(id, workerId, 'suppressed', why);
  }

  private leave(
    id: Id,
    workerId: string,
    status: InvitationStatus,
    lastError: string,
    also: Record<string, unknown> = {},
  ) {
    return this.settle(id, workerId, { $set: { status, lastError, ...also }, $unset: { claimedBy: 1 } });
  }

  /** Moves the invitation out of `sending`, only if this worker still holds it. */
  private async settle(id: Id, workerId: string, update: Settle): Promise<boolean> {
    const filter = { _id: id, status: 'sending', claimedBy: workerId };
    const options = { projection: { surveyId: 1 }, ...DURABLE };
    const doc = await this.invitations.collection.findOneAndUpdate(filter, update, options);
    if (doc) this.counts.move(doc.surveyId as Id, 'sending', update.$set.status);
    return this.counted(doc !== null);
  }

  /**
   * Claims older than `cutoff` belong to a worker that stopped mid-send: those invitations (and
   * reminders) become uncertain - the message may or may not have reached the mail server.
   */
  async recoverStale(cutoff: Date): Promise<number> {
    const stale = { status: 'sending' as const, claimedAt: trusted({ $lt: cutoff }) };
    const found = await this.invitations.find(stale).select('_id surveyId').lean();
    let recovered = 0;
    if (found.length > 0) {
      const lastError = 'the worker stopped while this message was being sent';
      recovered = (
        await this.invitations.updateMany(
          { ...stale, _id: trusted({ $in: found.map((d) => d._id) }) },
          { $set: { status: 'uncertain', lastError }, $unset: { claimedBy: 1 } },
        )
      ).modifiedCount;
      // The stopped worker's own count moves for these may be lost with it: recount their surveys.
      if (recovered > 0)
        for (const id of new Set(found.map((d) => String(d.surveyId))))
          await this.counts.rebuild(new mongoose.Types.ObjectId(id));
    }
    await this.invitations.updateMany(
      { reminderStatus: 'sending', claimedAt: trusted({ $lt: cutoff }) },
      { $set: { reminderStatus: 'uncertain' }, $unset: { claimedBy: 1 } },
    );
    return recovered;
  }

  /** uncertain -> queued for a survey, at a manager's explicit request (some may get it twice). */
  async requeueUncertain(surveyId: Id, now: Date): Promise<number> {
    const result = await this.invitations.updateMany(
      { surveyId, status: 'uncertain' },
      { $set: { status: 'queued', nextAttemptAt: now }, $unset: { claimedBy: 1, claimedAt: 1 } },
    );
    this.counts.move(surveyId, 'uncertain', 'queued', result.modifiedCount);
    return this.counted(result.modifiedCount);
  }

  /** Writes the count moves of the transition just made (one bulk write), then hands back its result. */
  private async counted<T>(result: T): Promise<T> {
    await this.counts.flush();
    return result;
  }

  // ---- What answers record ----

  /** A page view from a score link: keeps the earliest click ($min, filtered on _id alone so every engine uses its index). */
  async markClicked(id: Id, at: Date): Promise<void> {
    await this.invitations.updateOne({ _id: id }, { $min: { firstClickedAt: at } });
  }

  /** The hidden link in the email was fetched by this client (a hash of address and user agent). */
  async addHoneypotClient(tokenHash: string, clientKey: string): Promise<void> {
    await this.invitations.updateOne({ tokenHash }, { $addToSet: { honeypotClients: clientKey } });
  }

  /** A person's answer was stored: reminders stop. The first answer's time is kept. */
  async markResponded(id: Id, at: Date): Promise<void> {
    await this.invitations.updateOne({ _id: id }, { $min: { respondedAt: at } });
  }

  /**
   * Part of deleting a contact: delivered invitations become anonymous tombstones, the rest go.
   * Repeatable. Returns the property values the tombstones no longer carry, per survey.
   */
  async eraseContact(contactId: Id): Promise<DeliveredBatch[]> {
    const all = await this.invitations
      .find({ contactId })
      .select('_id surveyId status reminderStatus contactSnapshot')
      .lean();
    const delivered = all.filter((d) => d.status === 'sent');
    if (delivered.length > 0)
      await this.invitations.collection.bulkWrite(
        delivered.map((d) => ({ updateOne: { filter: { _id: d._id, contactId }, update: tombstoneOf(d) } })),
        { ordered: false },
      );
    await this.invitations.deleteMany({ contactId });
    for (const d of all) if (d.status !== 'sent') this.counts.move(d.surveyId, d.status, null);
    await this.counts.flush();
    return delivered.map((d) => ({ surveyId: d.surveyId, properties: [plainProperties(d.contactSnapshot)] }));
  }
}
