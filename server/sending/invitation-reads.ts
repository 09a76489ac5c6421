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
   * For each time range [start, end): the invitations delivered in it and how many of them were
   * answered (so far), for reports' and the dashboard's response rates. One aggregate over the span of
   * all the ranges, on the { surveyId, sentAt, respondedAt } index (which covers it on MongoDB).
   */
  async deliveredIn(
    surveyIds: readonly Id[],
    ranges: readonly { start: Date; end: Date }[],
  ): Promise<{ delivered: number; responded: number }[]> {
    if (surveyIds.length === 0 || ranges.length === 0) return ranges.map(() => ({ delivered: 0, responded: 0 }));
    const from = new Date(Math.min(...ranges.map((r) => r.start.getTime())));
    const to = new Date(Math.max(...ranges.map((r) => r.end.getTime())));
    const inRange = (r: { start: Date; end: Date }) => ({
      $and: [{ $gte: ['$sentAt', r.start] }, { $lt: ['$sentAt', r.end] }],
    });
    const sums: Record<string, { $sum: unknown }> = {};
    ranges.forEach((r, i) => {
      sums[`d${i}`] = { $sum: { $cond: [inRange(r), 1, 0] } };
      sums[`r${i}`] = { $sum: { $cond: [{ $and: [inRange(r), { $gt: ['$respondedAt', null] }] }, 1, 0] } };
    });
    // An invitation with a send time was delivered: nothing moves it out of "sent" afterwards.
    const [row] = await this.invitations.aggregate<Record<string, number>>([
      { $match: { surveyId: { $in: [...surveyIds] }, sentAt: { $gte: from, $lt: to } } },
      { $group: { _id: null, ...sums } },
    ]);
    return ranges.map((_r, i) => ({ delivered: row?.[`d${i}`] ?? 0, responded: row?.[`r${i}`] ?? 0 }));
  }

  /** A contact's invitations, newest first. */
  forContact(contactId: Id, limit: number) {
    return this.invitations.find({ contactId }).sort({ queuedAt: -1 }).limit(limit).lean();
  }
}
