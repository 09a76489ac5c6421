import type { AnyBulkWriteOperation } from 'mongodb';
import mongoose from 'mongoose';

import { isDuplicateKeyError } from '../lib/errors.js';
import type { AutopilotEntryModel } from './autopilot-entry.model.js';

type Id = mongoose.Types.ObjectId;

/** A contact's place in a survey's schedule, as the schedule reads it. */
export interface Entry {
  _id: Id;
  surveyId: Id;
  contactId: Id;
  dueAt: Date;
  cycle: number;
  firstDueBasis: string;
  joinedAt?: Date | null;
  heldReason?: string | null;
  lastInvitedAt?: Date | null;
  lastOutcome?: string | null;
  lastOutcomeAt?: Date | null;
}

/** A new entry: a contact enrolled in a survey's schedule. */
export interface NewEntry {
  surveyId: Id;
  contactId: Id;
  cycle: number;
  joinedAt: Date;
  dueAt: Date;
  firstDueBasis: 'spread' | 'joined';
}

/** How one due entry moves on: to a new due time and cycle (invited or skipped), or held where it is. */
export type EntryMove = { entry: Pick<Entry, '_id' | 'cycle'>; set: Record<string, unknown>; unsetHeld?: boolean };

/**
 * The one module that writes `autopilotEntries`. An entry moves to its next cycle only by an update
 * filtered on the cycle it was read at, so even a worker whose lease ran out cannot move it twice.
 */
export class AutopilotEntryStore {
  constructor(private readonly entries: AutopilotEntryModel) {}

  /** Contacts already in the survey's schedule. */
  async enrolledContactIds(surveyId: Id): Promise<Set<string>> {
    return new Set((await this.entries.distinct('contactId', { surveyId })).map(String));
  }

  /** Enrols contacts; ones another worker or an earlier run enrolled already are left as they are. */
  async enrol(docs: readonly NewEntry[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await this.entries.collection.insertMany([...docs], { ordered: false });
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }

  /** The earliest due entries of a survey, at most `limit`. */
  due(surveyId: Id, now: Date, limit: number): Promise<Entry[]> {
    return this.entries
      .find({ surveyId, dueAt: mongoose.trusted({ $lte: now }) })
      .sort({ dueAt: 1 })
      .limit(limit)
      .lean<Entry[]>();
  }

  /** Entries due before `end` (the forecast). */
  dueBefore(surveyId: Id, end: Date): Promise<Entry[]> {
    return this.entries.find({ surveyId, dueAt: mongoose.trusted({ $lt: end }) }).lean<Entry[]>();
  }

  forContact(contactId: Id): Promise<Entry[]> {
    return this.entries.find({ contactId }).lean<Entry[]>();
  }

  /** Applies each entry's move, each filtered on the cycle it was read at. */
  async move(moves: readonly EntryMove[]): Promise<void> {
    if (moves.length === 0) return;
    const ops: AnyBulkWriteOperation[] = moves.map(({ entry, set, unsetHeld }) => ({
      updateOne: {
        filter: { _id: entry._id, cycle: entry.cycle },
        update: { $set: set, ...(unsetHeld ? { $unset: { heldReason: 1 } } : {}) },
      },
    }));
    await this.entries.bulkWrite(ops as Parameters<AutopilotEntryModel['bulkWrite']>[0], { ordered: false });
  }

  /** Entries whose contact is gone. */
  async remove(ids: readonly Id[]): Promise<void> {
    if (ids.length > 0) await this.entries.deleteMany({ _id: mongoose.trusted({ $in: [...ids] }) });
  }

  /** Turning autopilot on starts a fresh schedule. */
  async resetSurvey(surveyId: Id): Promise<void> {
    await this.entries.deleteMany({ surveyId });
  }

  /** Part of deleting a contact (contacts.service.ts). */
  async eraseContact(contactId: Id): Promise<void> {
    await this.entries.deleteMany({ contactId });
  }
}
