import mongoose from 'mongoose';

import { DEFAULT_QUESTIONS } from '../vocabulary/defaults.js';
import { SCALE_WORDING } from '../vocabulary/scale-wording.js';
import { BANDS, isSurveyType, type SurveyType } from '../vocabulary/scales.js';
import type { ExtraQuestion } from './extra-questions.js';
import { TRANSITIONS, type StatusAction } from './survey-status.js';
import type { SurveyDoc, SurveyModel, SurveyStatus } from './survey.model.js';

type Id = mongoose.Types.ObjectId;
const { trusted } = mongoose;

/**
 * The one module that writes the `surveys` collection. Every change is one atomic update; status
 * changes go through TRANSITIONS (survey-status.ts), whoever asks for them - a manager, the API, or
 * the send worker pausing a survey whose sends keep failing. Other domains read surveys directly
 * where that is simplest, but change them only through these methods.
 */
export class SurveyStore {
  constructor(private readonly surveys: SurveyModel) {}

  findById(id: Id): Promise<SurveyDoc | null> {
    return this.surveys.findById(id).lean<SurveyDoc>();
  }

  /** Newest first, at most 500 (the overview and the API list). */
  list(): Promise<SurveyDoc[]> {
    return this.surveys.find({}).sort({ createdAt: -1 }).limit(500).lean<SurveyDoc[]>();
  }

  byIds(ids: readonly Id[]): Promise<SurveyDoc[]> {
    return this.surveys.find({ _id: trusted({ $in: [...ids] }) }).lean<SurveyDoc[]>();
  }

  active(): Promise<SurveyDoc[]> {
    return this.surveys.find({ status: 'active' }).lean<SurveyDoc[]>();
  }

  byWebLink(webLinkId: string): Promise<SurveyDoc | null> {
    return this.surveys.findOne({ webLinkId }).lean<SurveyDoc>();
  }

  /** Survey names by id, for pages that list other things (contacts, follow-ups). */
  async names(ids?: readonly Id[]): Promise<Map<string, string>> {
    const filter = ids ? { _id: trusted({ $in: [...ids] }) } : {};
    const docs = await this.surveys.find(filter).select('name').lean();
    return new Map(docs.map((d) => [String(d._id), d.name]));
  }

  /** Survey types by id (NPS where none is stored), for lists that show a band per answer. */
  async types(ids?: readonly Id[]): Promise<Map<string, SurveyType>> {
    const filter = ids ? { _id: trusted({ $in: [...ids] }) } : {};
    const docs = await this.surveys.find(filter).select('type').lean();
    return new Map(docs.map((d) => [String(d._id), isSurveyType(d.type) ? d.type : 'nps']));
  }

  async exists(id: Id): Promise<boolean> {
    return (await this.surveys.exists({ _id: id })) !== null;
  }

  /** A draft with the standard wording of its type (the first question, and a follow-up rule for the bottom band). */
  async create(
    input: { name: string; companyName: string; type?: SurveyType | undefined },
    ownerId?: string,
  ): Promise<SurveyDoc> {
    const type = input.type ?? 'nps';
    const doc = await this.surveys.create({
      name: input.name,
      companyName: input.companyName,
      type,
      questions: { ...DEFAULT_QUESTIONS, ...(type === 'nps' ? {} : { recommend: SCALE_WORDING[type].en.question }) },
      followUpRule: { maxScore: BANDS[type].find((b) => b.key === 'detractor')!.to },
      status: 'draft',
      ownerId,
    });
    return doc.toObject<SurveyDoc>();
  }

  /**
   * Replaces the additional questions if nobody saved them since `version` was read (two admins
   * editing at once: the second is told to reload); false when it changed or the survey is closed.
   */
  async saveQuestions(id: Id, questions: readonly ExtraQuestion[], version: number): Promise<boolean> {
    const result = await this.surveys.updateOne(
      {
        _id: id,
        status: trusted({ $ne: 'closed' }),
        questionsVersion: version === 0 ? trusted({ $in: [0, null] }) : version,
      },
      { $set: { extraQuestions: questions }, $inc: { questionsVersion: 1 } },
      { runValidators: true },
    );
    return result.matchedCount === 1;
  }

  /** The migration of issue 17: surveys from before it are NPS surveys (nothing is recounted). */
  async setMissingTypes(): Promise<number> {
    const result = await this.surveys.updateMany({ type: trusted({ $exists: false }) }, { $set: { type: 'nps' } });
    return result.modifiedCount;
  }

  /** Saves settings (dotted paths) unless the survey is closed; false when closed or missing. */
  async saveSettings(id: Id, set: Record<string, unknown>, unset: Record<string, 1> = {}): Promise<boolean> {
    const update = { $set: set, ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}) };
    const result = await this.surveys.updateOne({ _id: id, status: trusted({ $ne: 'closed' }) }, update, {
      runValidators: true,
    });
    return result.matchedCount === 1;
  }

  /** Turns the anonymous web link on (with this id) or off; false when the survey is missing. */
  async setWebLink(id: Id, webLinkId: string | undefined): Promise<boolean> {
    const update = webLinkId ? { $set: { webLinkId } } : { $unset: { webLinkId: 1 } };
    return (await this.surveys.updateOne({ _id: id }, update)).matchedCount === 1;
  }

  /**
   * Moves the survey to the action's status, only from the statuses TRANSITIONS allows, in one atomic
   * update; null when its status did not allow it (or it is missing). Becoming active clears the
   * failure streak; pausing may record why.
   */
  transition(id: Id, action: StatusAction, reason?: string): Promise<SurveyDoc | null> {
    const { from, to } = TRANSITIONS[action];
    const update =
      to === 'active'
        ? { $set: { status: to, sendFailureStreak: 0 }, $unset: { pausedReason: 1 } }
        : { $set: { status: to, ...(reason ? { pausedReason: reason } : {}) } };
    return this.surveys
      .findOneAndUpdate({ _id: id, status: trusted({ $in: [...from] }) }, update, { returnDocument: 'after' })
      .lean<SurveyDoc>();
  }

  async statusOf(id: Id): Promise<SurveyStatus | undefined> {
    return (await this.surveys.findById(id).select('status').lean())?.status;
  }

  /** One more failed send in a row; returns the streak (the send worker pauses the survey at its limit). */
  async recordSendFailure(id: Id): Promise<number> {
    const doc = await this.surveys
      .findOneAndUpdate({ _id: id }, { $inc: { sendFailureStreak: 1 } }, { returnDocument: 'after' })
      .select('sendFailureStreak')
      .lean();
    return doc?.sendFailureStreak ?? 0;
  }

  /** After a batch: each survey's delivered count (the response rate's denominator) grows, its failure streak ends. */
  async recordDelivered(bySurvey: ReadonlyMap<string, { id: Id; n: number }>): Promise<void> {
    await Promise.all(
      [...bySurvey.values()].map(({ id, n }) =>
        this.surveys.updateOne({ _id: id }, { $set: { sendFailureStreak: 0 }, $inc: { deliveredCount: n } }),
      ),
    );
  }

  /** Sets delivered counts recounted from the invitations (npm run results:rebuild). */
  async setDeliveredCounts(counts: readonly { id: Id; n: number }[], only?: Id): Promise<void> {
    if (only) await this.surveys.updateOne({ _id: only }, { $set: { deliveredCount: 0 } });
    else await this.surveys.updateMany({}, { $set: { deliveredCount: 0 } });
    for (const { id, n } of counts) await this.surveys.updateOne({ _id: id }, { $set: { deliveredCount: n } });
  }

  /** One queueing of an active survey at a time: true when this caller holds the lease until `until`. */
  async acquireQueueing(id: Id, now: Date, until: Date): Promise<boolean> {
    const filter = {
      _id: id,
      status: 'active' as const,
      $or: [{ queueingUntil: null }, { queueingUntil: trusted({ $lt: now }) }],
    };
    return (await this.surveys.findOneAndUpdate(filter, { $set: { queueingUntil: until } })) !== null;
  }

  async releaseQueueing(id: Id): Promise<void> {
    await this.surveys.updateOne({ _id: id }, { $unset: { queueingUntil: 1 } });
  }

  /** Ids of active surveys with autopilot on: candidates for a run. */
  async autopilotSurveyIds(): Promise<Id[]> {
    const docs = await this.surveys.find({ status: 'active', 'autopilot.enabled': true }).select('_id').lean();
    return docs.map((d) => d._id);
  }

  /** One worker at a time runs a survey's schedule: the survey, when this caller now holds its lease. */
  acquireAutopilot(id: Id, now: Date, until: Date): Promise<SurveyDoc | null> {
    const filter = {
      _id: id,
      status: 'active' as const,
      'autopilot.enabled': true,
      $or: [{ 'autopilot.leaseUntil': null }, { 'autopilot.leaseUntil': trusted({ $lte: now }) }],
    };
    return this.surveys
      .findOneAndUpdate(filter, { $set: { 'autopilot.leaseUntil': until } }, { returnDocument: 'after' })
      .lean<SurveyDoc>();
  }

  async releaseAutopilot(id: Id): Promise<void> {
    await this.surveys.updateOne({ _id: id }, { $unset: { 'autopilot.leaseUntil': 1 } });
  }

  async markAutopilotSynced(id: Id, at: Date): Promise<void> {
    await this.surveys.updateOne(
      { _id: id },
      { $set: { 'autopilot.initialSyncDone': true, 'autopilot.syncedAt': at } },
    );
  }

  /** Invitations autopilot queued on `day` so far (its daily cap counts them). */
  async recordAutopilotQueued(id: Id, day: string, total: number): Promise<void> {
    await this.surveys.updateOne({ _id: id }, { $set: { 'autopilot.capDay': day, 'autopilot.queuedOnCapDay': total } });
  }

  /**
   * Saves autopilot settings (dotted paths). With `onlyIfOff`, only when autopilot is not on yet, so of
   * two managers turning it on at once exactly one starts the fresh schedule. Returns whether it matched.
   */
  async saveAutopilot(
    id: Id,
    change: { set: Record<string, unknown>; unset: Record<string, 1> },
    options: { onlyIfOff?: boolean } = {},
  ): Promise<boolean> {
    const filter = options.onlyIfOff ? { _id: id, 'autopilot.enabled': trusted({ $ne: true }) } : { _id: id };
    const update = { $set: change.set, ...(Object.keys(change.unset).length > 0 ? { $unset: change.unset } : {}) };
    return (await this.surveys.updateOne(filter, update, { runValidators: true })).matchedCount === 1;
  }

  async setBrand(id: Id, brand: { accentColor: string; footerText: string }): Promise<void> {
    await this.surveys.updateOne(
      { _id: id },
      { $set: { 'brand.accentColor': brand.accentColor, 'brand.footerText': brand.footerText } },
    );
  }

  /** Points the survey at a logo, or at none. */
  async setLogo(id: Id, logoId: Id | undefined): Promise<void> {
    const update = logoId ? { $set: { 'brand.logoId': logoId } } : { $unset: { 'brand.logoId': 1 } };
    await this.surveys.updateOne({ _id: id }, update);
  }
}
