import type mongoose from 'mongoose';

import type { SkipReason } from './eligibility.js';
import type { SendSkipModel } from './send-skip.model.js';

type Id = mongoose.Types.ObjectId;

export interface SkipRecord {
  surveyId: Id;
  contactId: Id;
  reason: SkipReason;
  at: Date;
}

const BATCH = 1000;

/**
 * The one module that writes `sendSkips`: every time a send, a schedule or a trigger left a contact
 * out, and why, so a contact's page answers "why was this person not surveyed?".
 */
export class SendSkipStore {
  constructor(private readonly skips: SendSkipModel) {}

  async record(skips: readonly SkipRecord[]): Promise<void> {
    for (let i = 0; i < skips.length; i += BATCH) {
      await this.skips.collection.insertMany(skips.slice(i, i + BATCH), { ordered: false });
    }
  }

  /** Skips of a survey by reason. */
  async countByReason(surveyId: Id): Promise<{ reason: SkipReason; n: number }[]> {
    const rows = await this.skips.aggregate<{ _id: SkipReason; n: number }>([
      { $match: { surveyId } },
      { $group: { _id: '$reason', n: { $sum: 1 } } },
    ]);
    return rows.map((r) => ({ reason: r._id, n: r.n }));
  }

  /** A contact's skips, newest first. */
  forContact(contactId: Id, limit: number) {
    return this.skips.find({ contactId }).sort({ at: -1 }).limit(limit).lean();
  }

  /** Part of deleting a contact (contacts.service.ts). */
  async eraseContact(contactId: Id): Promise<void> {
    await this.skips.deleteMany({ contactId });
  }
}
