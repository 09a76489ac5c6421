import mongoose from 'mongoose';

import { ACTIVE_STATUSES, type FollowUpStatus } from './followup-rules.js';
import type { FollowUpModel } from './followup.model.js';

type Id = mongoose.Types.ObjectId;
const { trusted } = mongoose;

/**
 * The one module that writes `followUps`: a case opens once per response (a unique index), moves by
 * one atomic update whose filter names the statuses it may come from, and is claimed once for an
 * alert digest.
 */
/** What a note says once the contact it was about has been deleted. */
export const ERASED_NOTE = '(note removed when the contact was deleted)';

export class FollowUpStore {
  constructor(private readonly cases: FollowUpModel) {}

  /** Opens the response's case; false when it has one already. */
  async open(fields: {
    responseId: Id;
    surveyId: Id;
    ownerId?: Id | null | undefined;
    openedAt: Date;
    openedScore: number;
  }): Promise<boolean> {
    const result = await this.cases.updateOne(
      { responseId: fields.responseId },
      { $setOnInsert: { ...fields, status: 'open', notes: [] } },
      { upsert: true },
    );
    return result.upsertedCount === 1;
  }

  /** One step, only from the statuses given ('any' for a note); false when the case is not in one of them. */
  async step(id: Id, from: readonly FollowUpStatus[] | 'any', update: Record<string, unknown>): Promise<boolean> {
    const filter = from === 'any' ? { _id: id } : { _id: id, status: trusted({ $in: [...from] }) };
    return (await this.cases.findOneAndUpdate(filter, update, { returnDocument: 'after' }).lean()) !== null;
  }

  /**
   * Part of deleting a contact: the notes on the cases of their responses may quote them (a reply
   * note holds their address and the message), so each note's text is replaced; who wrote it and
   * when stay, as does the case.
   */
  async eraseNotesOf(responseIds: readonly Id[]): Promise<void> {
    if (responseIds.length === 0) return;
    await this.cases.updateMany(
      { responseId: mongoose.trusted({ $in: [...responseIds] }), 'notes.0': mongoose.trusted({ $exists: true }) },
      { $set: { 'notes.$[].text': ERASED_NOTE } },
    );
  }

  async addNote(id: Id, note: { authorId: Id; text: string; at: Date }): Promise<void> {
    await this.cases.updateOne({ _id: id }, { $push: { notes: note } });
  }

  /** The first step on a case stamps when someone first acted. */
  async stampFirstAction(id: Id, at: Date): Promise<void> {
    await this.cases.updateOne({ _id: id, firstActionAt: null }, { $set: { firstActionAt: at } });
  }

  /** Claims a case for an alert digest; false when another worker alerted it already. */
  async claimAlert(id: Id, at: Date): Promise<boolean> {
    return (
      (await this.cases.findOneAndUpdate({ _id: id, alertedAt: null }, { $set: { alertedAt: at } }).lean()) !== null
    );
  }

  /** The digest did not go out: these cases are alerted again next time. */
  async releaseAlerts(ids: readonly Id[], at: Date): Promise<void> {
    await this.cases.updateMany({ _id: trusted({ $in: [...ids] }), alertedAt: at }, { $unset: { alertedAt: 1 } });
  }

  findById(id: Id) {
    return this.cases.findById(id).lean();
  }

  /** The id of a response's case, if it has one (chat messages link to it). */
  async idOfResponse(responseId: Id): Promise<string | undefined> {
    const found = await this.cases.findOne({ responseId }).select('_id').lean();
    return found ? String(found._id) : undefined;
  }

  /**
   * Open and in-progress cases of these surveys opened before `cutoff`, oldest first, and how many
   * there are (reports and the dashboard): the { status, openedAt } index.
   */
  async activeOpenedBefore(surveyIds: readonly Id[], cutoff: Date, limit: number) {
    const filter = {
      status: trusted({ $in: [...ACTIVE_STATUSES] }),
      openedAt: trusted({ $lt: cutoff }),
      surveyId: trusted({ $in: [...surveyIds] }),
    };
    const [items, total] = await Promise.all([
      this.cases.find(filter).sort({ openedAt: 1 }).limit(limit).select('_id surveyId openedAt openedScore').lean(),
      this.cases.countDocuments(filter),
    ]);
    return { items, total };
  }

  /**
   * How many active cases of these surveys there are, and how many were opened before each cutoff
   * (the dashboard's ages): one aggregate on the { surveyId, status } index.
   */
  async activeCounts(surveyIds: readonly Id[], cutoffs: readonly Date[]): Promise<{ total: number; before: number[] }> {
    const before = Object.fromEntries(
      cutoffs.map((cutoff, i) => [`b${i}`, { $sum: { $cond: [{ $lt: ['$openedAt', cutoff] }, 1, 0] } }]),
    );
    const group = { _id: null, total: { $sum: 1 }, ...before };
    const [row] = await this.cases.aggregate<Record<string, number>>([
      { $match: { surveyId: { $in: [...surveyIds] }, status: { $in: [...ACTIVE_STATUSES] } } },
      { $group: group },
    ]);
    return { total: row?.total ?? 0, before: cutoffs.map((_c, i) => row?.[`b${i}`] ?? 0) };
  }

  async exists(id: Id): Promise<boolean> {
    return (await this.cases.exists({ _id: id })) !== null;
  }

  find(filter: Record<string, unknown>, limit: number) {
    return this.cases.find(filter).sort({ openedAt: 1 }).limit(limit).lean();
  }

  openedSince(since: Date) {
    return this.cases
      .find({ openedAt: trusted({ $gte: since }) })
      .select('surveyId openedAt firstActionAt closedAt')
      .lean();
  }

  notAlerted(limit: number) {
    return this.cases
      .find({ alertedAt: null })
      .select('_id ownerId surveyId responseId')
      .sort({ openedAt: 1 })
      .limit(limit)
      .lean();
  }

  /** Each response's case status, for a survey (the CSV export's column). */
  async statusByResponse(surveyId: Id): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const f of this.cases.find({ surveyId }).select('responseId status').lean().cursor())
      out.set(String(f.responseId), f.status);
    return out;
  }
}
