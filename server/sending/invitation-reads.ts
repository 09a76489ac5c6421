import mongoose from 'mongoose';

import type { InvitationModel } from './invitation.model.js';

type Id = mongoose.Types.ObjectId;

/** An invitation a worker holds (status `sending`, claimedBy the worker): what it needs to send it. */
export interface ClaimedInvitation {
  _id: Id;
  surveyId: Id;
  contactId: Id;
  tokenSealed?: string | null;
  attempts: number;
}

export interface ClaimedReminder extends ClaimedInvitation {
  reminderAttempts: number;
}

/** The filter of invitations due for the survey's reminder: sent before `sentBefore`, not answered, none yet. */
export const reminderDue = (surveyId: Id, sentBefore: Date) => ({
  surveyId,
  status: 'sent' as const,
  respondedAt: null,
  reminderStatus: null,
  sentAt: mongoose.trusted({ $lte: sentBefore }),
});

/** The invitation reads other modules use; InvitationStore (invitation.store.ts) adds every write. */
export class InvitationReads {
  constructor(protected readonly invitations: InvitationModel) {}

  findByTokenHash<T>(tokenHash: string, fields: string): Promise<T | null> {
    return this.invitations.findOne({ tokenHash }).select(fields).lean<T>();
  }

  /** Contacts already invited to the survey (the send page skips them). */
  async invitedContactIds(surveyId: Id): Promise<Set<string>> {
    return new Set((await this.invitations.distinct('contactId', { surveyId })).map(String));
  }

  /**
   * Whether any of these surveys has an invitation due for its reminder now: one read for them all,
   * so a worker with nothing to remind does not look survey by survey (each a scan on the emulator).
   */
  async anyReminderDue(due: ReadonlyArray<{ surveyId: Id; sentBefore: Date }>, now: Date): Promise<boolean> {
    if (due.length === 0) return false;
    const retryDue = {
      $or: [{ reminderNextAttemptAt: null }, { reminderNextAttemptAt: mongoose.trusted({ $lte: now }) }],
    };
    const filter = { $or: due.map((d) => ({ ...reminderDue(d.surveyId, d.sentBefore), ...retryDue })) };
    return (await this.invitations.findOne(filter).select('_id').lean()) !== null;
  }

  /**
   * Invitations delivered in [start, end) and how many of them were answered (so far): a period's
   * response rate, for reports and the dashboard. Two counts on the { surveyId, sentAt } index.
   */
  async deliveredIn(
    surveyIds: readonly Id[],
    start: Date,
    end: Date,
  ): Promise<{ delivered: number; responded: number }> {
    const filter = {
      surveyId: mongoose.trusted({ $in: [...surveyIds] }),
      sentAt: mongoose.trusted({ $gte: start, $lt: end }),
      status: 'sent' as const,
    };
    const [delivered, responded] = await Promise.all([
      this.invitations.countDocuments(filter),
      this.invitations.countDocuments({ ...filter, respondedAt: mongoose.trusted({ $ne: null }) }),
    ]);
    return { delivered, responded };
  }

  /** A contact's invitations, newest first. */
  forContact(contactId: Id, limit: number) {
    return this.invitations.find({ contactId }).sort({ queuedAt: -1 }).limit(limit).lean();
  }
}
