import mongoose from 'mongoose';

import { InvitationReads, reminderDue, type ClaimedReminder } from './invitation-reads.js';

type Id = mongoose.Types.ObjectId;
const { trusted } = mongoose;

export const errorText = (message: string) => message.slice(0, 2000);

// Claims and settles are acknowledged once in the journal and on a majority of a replica set: a claim
// the worker saw succeed survives a crash or failover (embedded H2: commits before replying).
export const DURABLE = { writeConcern: { w: 'majority' as const, journal: true } };

/**
 * The reminder transitions of InvitationStore (invitation.store.ts), the one writer of
 * `invitations`: kept in a file of their own only for length. A reminder moves on `reminderStatus`
 * (claimed -> sent | failed | skipped | uncertain, or back for a retry), settled only by the worker
 * holding its claim, like a send. Nothing else extends this class.
 */
export abstract class InvitationReminderWrites extends InvitationReads {
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
}
