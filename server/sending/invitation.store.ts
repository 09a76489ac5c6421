import mongoose from 'mongoose';

import { isDuplicateKeyError } from '../lib/errors.js';
import { plainProperties } from '../lib/properties.js';
import type { DeliveredBatch, SentMessage } from './delivered-port.js';
import { InvitationReads, reminderDue, type ClaimedInvitation, type ClaimedReminder } from './invitation-reads.js';
import { tombstoneOf } from './invitation-tombstone.js';
import type { InvitationModel } from './invitation.model.js';
import type { NewInvitation } from './new-invitation.js';

export type { ClaimedInvitation, ClaimedReminder } from './invitation-reads.js';

type Id = mongoose.Types.ObjectId;
const { trusted } = mongoose;

const errorText = (message: string) => message.slice(0, 2000);

// Claims and settles are acknowledged once in the journal and on a majority of a replica set: a claim
// the worker saw succeed survives a crash or failover (embedded H2: commits before replying).
const DURABLE = { writeConcern: { w: 'majority' as const, journal: true } };

/**
 * The one module that writes the `invitations` collection: the state machine of
 * server/sending/README.md as named transitions. An invitation moves queued -> sending -> sent |
 * failed | uncertain | suppressed; every move is one atomic update whose filter names the state it
 * may come from, and every move out of `sending` also names the worker holding the claim, so a
 * stale worker can never overwrite what another worker or the recovery decided. Reminders have the
 * same shape on `reminderStatus`. Answers only mark the invitation (clicked, answered).
 */
export class InvitationStore extends InvitationReads {
  constructor(invitations: InvitationModel) {
    super(invitations);
  }

  // ---- Creating ----

  /**
   * Stores new invitations. Those with a dedupe key that is already taken (a repeat of an autopilot
   * cycle or a trigger) are left out by the unique index; anything else that fails is thrown.
   */
  async insertMany(docs: readonly NewInvitation[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await this.invitations.collection.insertMany([...docs], { ordered: false });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** Stores one invitation with a dedupe key, or finds the one that already has it; returns its id. */
  async insertOnce(doc: NewInvitation & { dedupeKey: string }): Promise<Id> {
    try {
      return (await this.invitations.collection.insertOne({ ...doc })).insertedId;
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
    const counted = (c: ClaimedInvitation) => ({ ...c, attempts: c.attempts + 1 });
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
    if (result.modifiedCount === sent.length) return [...sent];
    // A claim outlived its lease (rare): which ones are this batch's now?
    const ids = { _id: { $in: sent.map((m) => m.id) }, messageId: { $in: sent.map((m) => m.messageId) } };
    const settled = new Set((await this.invitations.collection.find(ids).toArray()).map((d) => String(d._id)));
    return sent.filter((m) => settled.has(String(m.id)));
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

  private leave(id: Id, workerId: string, status: string, lastError: string, also: Record<string, unknown> = {}) {
    return this.settle(id, workerId, { $set: { status, lastError, ...also }, $unset: { claimedBy: 1 } });
  }

  /** Moves the invitation out of `sending`, only if this worker still holds it. */
  private async settle(id: Id, workerId: string, update: Record<string, unknown>): Promise<boolean> {
    const result = await this.invitations.updateOne(
      { _id: id, status: 'sending', claimedBy: workerId },
      update,
      DURABLE,
    );
    return result.modifiedCount === 1;
  }

  /**
   * Claims older than `cutoff` belong to a worker that stopped mid-send: those invitations (and
   * reminders) become uncertain - the message may or may not have reached the mail server.
   */
  async recoverStale(cutoff: Date): Promise<number> {
    const result = await this.invitations.updateMany(
      { status: 'sending', claimedAt: trusted({ $lt: cutoff }) },
      {
        $set: { status: 'uncertain', lastError: 'the worker stopped while this message was being sent' },
        $unset: { claimedBy: 1 },
      },
    );
    await this.invitations.updateMany(
      { reminderStatus: 'sending', claimedAt: trusted({ $lt: cutoff }) },
      { $set: { reminderStatus: 'uncertain' }, $unset: { claimedBy: 1 } },
    );
    return result.modifiedCount;
  }

  /** uncertain -> queued for a survey, at a manager's explicit request (some may get it twice). */
  async requeueUncertain(surveyId: Id, now: Date): Promise<number> {
    const result = await this.invitations.updateMany(
      { surveyId, status: 'uncertain' },
      { $set: { status: 'queued', nextAttemptAt: now }, $unset: { claimedBy: 1, claimedAt: 1 } },
    );
    return result.modifiedCount;
  }

  // ---- Reminders ----

  /** Settles in one write, for all these surveys, the due reminders that cannot go out (no link token kept). */
  async skipUnremindable(due: ReadonlyArray<{ surveyId: Id; sentBefore: Date }>): Promise<number> {
    if (due.length === 0) return 0;
    const filter = { $or: due.map((d) => ({ ...reminderDue(d.surveyId, d.sentBefore), tokenSealed: null })) };
    return (await this.invitations.updateMany(filter, { $set: { reminderStatus: 'skipped' } })).modifiedCount;
  }

  /**
   * Claims one invitation of the survey due for its reminder: sent before `sentBefore`, not answered,
   * no reminder yet (or a retry that is due). Settled only by its holder, like a send.
   */
  claimReminder(surveyId: Id, sentBefore: Date, workerId: string, now: Date): Promise<ClaimedReminder | null> {
    return this.invitations
      .findOneAndUpdate(
        {
          ...reminderDue(surveyId, sentBefore),
          $or: [{ reminderNextAttemptAt: null }, { reminderNextAttemptAt: trusted({ $lte: now }) }],
        },
        { $set: { reminderStatus: 'sending', claimedBy: workerId, claimedAt: now }, $inc: { reminderAttempts: 1 } },
        {
          returnDocument: 'after',
          projection: { _id: 1, surveyId: 1, contactId: 1, tokenSealed: 1, attempts: 1, reminderAttempts: 1 },
          ...DURABLE,
        },
      )
      .lean<ClaimedReminder>();
  }

  /** The reminder went out; the sealed token is no longer needed once the last email carrying it has gone. */
  reminderSent(id: Id, workerId: string, at: Date): Promise<void> {
    return this.settleReminder(id, workerId, {
      $set: { reminderStatus: 'sent', remindedAt: at },
      $unset: { claimedBy: 1, tokenSealed: 1 },
    });
  }

  reminderRetryLater(id: Id, workerId: string, error: string, at: Date): Promise<void> {
    return this.settleReminder(id, workerId, {
      $unset: { reminderStatus: 1, claimedBy: 1 },
      $set: { reminderNextAttemptAt: at, lastError: errorText(error) },
    });
  }

  /** The reminder is given up: failed, uncertain, or skipped (the contact may no longer be emailed). */
  reminderDropped(id: Id, workerId: string, status: 'failed' | 'uncertain' | 'skipped', error?: string): Promise<void> {
    return this.settleReminder(id, workerId, {
      $set: { reminderStatus: status, ...(error ? { lastError: errorText(error) } : {}) },
      $unset: { claimedBy: 1 },
    });
  }

  private async settleReminder(id: Id, workerId: string, update: Record<string, unknown>): Promise<void> {
    await this.invitations.updateOne({ _id: id, reminderStatus: 'sending', claimedBy: workerId }, update, DURABLE);
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
    const delivered = await this.invitations
      .find({ contactId, status: 'sent' })
      .select('_id surveyId reminderStatus contactSnapshot')
      .lean();
    if (delivered.length > 0)
      await this.invitations.collection.bulkWrite(
        delivered.map((d) => ({ updateOne: { filter: { _id: d._id, contactId }, update: tombstoneOf(d) } })),
        { ordered: false },
      );
    await this.invitations.deleteMany({ contactId });
    return delivered.map((d) => ({ surveyId: d.surveyId, properties: [plainProperties(d.contactSnapshot)] }));
  }
}
