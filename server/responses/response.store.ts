import mongoose from 'mongoose';

import { isDuplicateKeyError } from '../lib/errors.js';
import { WriteBehind } from '../lib/write-behind.js';
import { COUNTED_REVIEW_STATES, REVIEW_STATES, type ReviewState } from '../vocabulary/answers.js';
import type { CountedState, CountsPort } from './counts-port.js';
import type { ResponseDoc, ResponseModel } from './response.model.js';

type Id = mongoose.Types.ObjectId;
const { trusted } = mongoose;

/** The fields a response write changes, as the respondent's pages and the counts read them back. */
export type AnswerDoc = Pick<
  ResponseDoc,
  | '_id'
  | 'surveyId'
  | 'channel'
  | 'score'
  | 'repurchase'
  | 'comment'
  | 'category'
  | 'answers'
  | 'submittedAt'
  | 'firstSubmittedAt'
  | 'review'
  | 'contactSnapshot'
> & { invitationId?: Id | null; contactId?: Id | null };

/** Other writes that follow a response write and go out with its count update (markResponded, webhooks). */
export type AlongsideWrite = (doc: AnswerDoc) => Promise<unknown>;

/**
 * The one module that writes `responses`. Every write that changes what a response counts as adds 1
 * to its `countsPending` in the same update and is followed by the day counts' change (CountsPort);
 * the 1 is taken back once the counts are in (`counted`), with the other settles of the next 200 ms
 * in one bulk write. A write whose counts never arrive (a crash, a database outage) or whose settle is
 * lost (the same) stays pending, and the workers recount those days (results/count-repair.ts).
 */
export class ResponseStore {
  private readonly settles: WriteBehind<Id>;

  constructor(
    private readonly responses: ResponseModel,
    private readonly counts: CountsPort,
  ) {
    this.settles = new WriteBehind((ids) => this.settle(ids), {
      delayMs: 200,
      maxItems: 500,
      // A settle that fails only costs a recount later.
      onError: () => undefined,
    });
  }

  /** Writes the settles waiting now (a contact deletion, shutdown, tests that read countsPending). */
  flushSettles(): Promise<void> {
    return this.settles.flush();
  }

  /**
   * A first response (one per invitation, one per web-link page load: unique indexes); null when one
   * exists already. `also` runs with the count update (both wait on the database, so they go together).
   */
  async insert(fields: Record<string, unknown>, now: Date, also?: AlongsideWrite): Promise<AnswerDoc | null> {
    let doc: AnswerDoc;
    try {
      const created = await this.responses.create({
        ...fields,
        countsPending: 1,
        countsPendingAt: now,
        countsPendingFrom: now,
      });
      doc = created.toObject<AnswerDoc>();
    } catch (err) {
      if (isDuplicateKeyError(err)) return null;
      throw err;
    }
    await Promise.all([this.counted(doc._id, null, doc), also?.(doc)]);
    return doc;
  }

  /**
   * Changes a response in one atomic update, if it still matches `filter` (its review state, the edit
   * window); returns it as it was before, or null when it no longer matched. The counts move by
   * exactly this change even when two changes race, because the state before comes back from the
   * same update.
   */
  async change(
    filter: Record<string, unknown>,
    change: { set: Record<string, unknown>; unset?: Record<string, 1> },
    pendingFrom: Date,
    now: Date,
    also?: AlongsideWrite,
  ): Promise<{ before: AnswerDoc; after: AnswerDoc } | null> {
    const update = {
      $set: { ...change.set, countsPendingAt: now, countsPendingFrom: pendingFrom },
      $inc: { countsPending: 1 },
      ...(change.unset ? { $unset: change.unset } : {}),
    };
    const before = await this.responses
      .findOneAndUpdate(filter, update, { returnDocument: 'before' })
      .lean<AnswerDoc>();
    if (!before) return null;
    const after: AnswerDoc = { ...before, ...change.set };
    for (const key of Object.keys(change.unset ?? {})) delete (after as Record<string, unknown>)[key];
    await Promise.all([this.counted(before._id, before, after), also?.(after)]);
    return { before, after };
  }

  /** Which additional questions of a survey have answers (from the { surveyId, answers.q } index). */
  async answeredQuestionIds(surveyId: string): Promise<Set<string>> {
    const ids = await this.responses.distinct('answers.q', { surveyId: new mongoose.Types.ObjectId(surveyId) });
    return new Set(ids.filter((id): id is string => typeof id === 'string'));
  }

  findByInvitation(invitationId: Id): Promise<AnswerDoc | null> {
    return this.responses
      .findOne({ invitationId })
      .select('score category repurchase comment answers submittedAt firstSubmittedAt review')
      .lean<AnswerDoc>();
  }

  findBySubmissionKey(submissionKey: string): Promise<AnswerDoc | null> {
    return this.responses.findOne({ submissionKey }).lean<AnswerDoc>();
  }

  findById(id: Id): Promise<ResponseDoc | null> {
    return this.responses.findById(id).lean<ResponseDoc>();
  }

  byIds(ids: readonly Id[], fields: string): Promise<ResponseDoc[]> {
    return this.responses
      .find({ _id: trusted({ $in: [...ids] }) })
      .select(fields)
      .lean<ResponseDoc[]>();
  }

  /** A survey's responses waiting for a manager's decision, newest first. */
  flagged(surveyId: Id, limit: number) {
    return this.responses
      .find({ surveyId, review: 'flagged' })
      .sort({ submittedAt: -1 })
      .limit(limit)
      .select('score category repurchase comment channel submittedAt botSignals')
      .lean();
  }

  /** A survey's responses in _id order after a cursor (and changed since a time), at most `limit`. */
  page(
    surveyId: Id,
    options: { after?: Id | undefined; since?: Date | undefined; limit: number; review: readonly ReviewState[] },
  ): Promise<ResponseDoc[]> {
    const filter: Record<string, unknown> = { surveyId };
    if (options.review.length < REVIEW_STATES.length) filter.review = trusted({ $in: [...options.review] });
    if (options.after) filter._id = trusted({ $gt: options.after });
    if (options.since) filter.updatedAt = trusted({ $gte: options.since });
    return this.responses.find(filter).sort({ _id: 1 }).limit(options.limit).lean<ResponseDoc[]>();
  }

  forContact(contactId: Id, limit: number): Promise<ResponseDoc[]> {
    return this.responses.find({ contactId }).sort({ submittedAt: -1 }).limit(limit).lean<ResponseDoc[]>();
  }

  /** Adds or removes a tag; returns the response's survey, or null when there is no such response. */
  async tag(id: Id, name: string, add: boolean): Promise<Id | null> {
    const update = add ? { $addToSet: { tags: name } } : { $pull: { tags: name } };
    return (await this.responses.findOneAndUpdate({ _id: id }, update).select('surveyId').lean())?.surveyId ?? null;
  }

  /** Removes a tag from every response; returns how many had it. */
  async untagAll(name: string): Promise<number> {
    return (await this.responses.updateMany({ tags: name }, { $pull: { tags: name } })).modifiedCount;
  }

  /**
   * Part of deleting a contact: their responses stay in the figures but lose the link to the person,
   * the comment and the property snapshot. Each is one update that also marks its counts pending, so
   * a deletion that stops before the counts moved is repaired like any other interrupted write, and
   * running the deletion again finds nothing left to anonymise.
   */
  /** Ids of a contact's responses (a deletion erases what other domains keep about them). */
  async idsOfContact(contactId: Id): Promise<Id[]> {
    return (await this.responses.find({ contactId }).select('_id').lean()).map((r) => r._id);
  }

  async eraseContact(contactId: Id, now: Date): Promise<void> {
    const answered = await this.responses
      .find({ contactId })
      .select('_id surveyId submittedAt contactSnapshot answers')
      .lean();
    for (const r of answered) {
      // Their words go (the comment and text answers); scores and choices stay in the figures, anonymous.
      const answers = (r.answers ?? []).filter((a) => typeof a.text !== 'string');
      await this.change(
        { _id: r._id, contactId },
        { set: { comment: '', contactSnapshot: {}, answers }, unset: { contactId: 1, invitationId: 1 } },
        r.submittedAt,
        now,
      );
      const snapshot: unknown = r.contactSnapshot;
      const values = snapshot instanceof Map ? [...(snapshot as Map<string, string>)] : Object.entries(snapshot ?? {});
      await this.counts.forgetEmptyValues(r.surveyId, values as [string, string][]);
    }
    await this.flushSettles();
  }

  // ---- Count repair (results/count-repair.ts) ----

  /** Responses whose counts have been pending since before `cutoff`, at most `limit`. */
  pendingSince(cutoff: Date, limit: number) {
    return this.responses.collection
      .find(
        { countsPending: { $gt: 0 }, countsPendingAt: { $lte: cutoff } },
        { projection: { surveyId: 1, submittedAt: 1, countsPendingFrom: 1 } },
      )
      .limit(limit)
      .toArray();
  }

  /** Whether any response of the survey was written after `since` (a repair waits for a quiet survey). */
  async writtenSince(surveyId: Id, since: Date): Promise<boolean> {
    return (
      (await this.responses.collection.findOne({ surveyId, updatedAt: { $gt: since } }, { projection: { _id: 1 } })) !==
      null
    );
  }

  /** After a recount: these responses' counts are right again. */
  async clearPending(ids: readonly Id[]): Promise<void> {
    await this.responses.collection.updateMany({ _id: { $in: [...ids] } }, { $set: { countsPending: 0 } });
  }

  /** Responses of the survey written since `since` may have raced a recount: mark them for the next one. */
  async markWrittenSince(surveyId: Id, since: Date, now: Date): Promise<void> {
    const raced = await this.responses.collection
      .find({ surveyId, updatedAt: { $gte: since } }, { projection: { firstSubmittedAt: 1, submittedAt: 1 } })
      .toArray();
    for (const r of raced) {
      await this.responses.collection.updateOne(
        { _id: r._id },
        {
          $inc: { countsPending: 1 },
          $set: { countsPendingAt: now, countsPendingFrom: r.firstSubmittedAt ?? r.submittedAt },
        },
      );
    }
  }

  /** Counted responses of a survey, for computations that need each one (said vs did). */
  countedCursor(surveyId: Id, submittedBefore: Date) {
    return this.responses.collection.find(
      {
        surveyId,
        review: { $in: [...COUNTED_REVIEW_STATES] },
        contactId: { $ne: null },
        submittedAt: { $lte: submittedBefore },
      },
      { projection: { contactId: 1, submittedAt: 1, category: 1, repurchase: 1, score: 1 } },
    );
  }

  /**
   * Applies the write's change to the counts, then (soon, with others) takes back the +1 the write
   * added to the response's `countsPending` in the same update as the response itself.
   */
  private async counted(id: Id, before: CountedState | null, after: CountedState | null): Promise<void> {
    await this.counts.applyChange(before, after);
    this.settles.add(id);
  }

  /**
   * A counter, not a flag: concurrent writes each settle their own +1 (one op each, so an id twice in
   * a batch is taken back twice), filtered on `_id` alone.
   */
  private async settle(ids: Id[]): Promise<void> {
    await this.responses.collection.bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id }, update: { $inc: { countsPending: -1 } } } })),
      { ordered: false },
    );
  }
}
