import mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import { ttlCache } from '../lib/ttl-cache.js';
import type { ResponseStore } from '../responses/response.store.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { DEFAULT_FOLLOW_UP_MAX_SCORE } from '../vocabulary/defaults.js';
import { bandOf, isPointOf, isSurveyType, type SurveyType } from '../vocabulary/scales.js';
import { caseIdOf } from './case-id.js';
import { replyToCustomer } from './followup-reply.js';
import {
  ACTIVE_STATUSES,
  matchesFollowUpRule,
  stepOf,
  timingsOf,
  type FollowUpAction,
  type FollowUpStatus,
} from './followup-rules.js';
import type { FollowUpStore } from './followup.store.js';
import { messages } from './followups.messages.js';
import type { UserDirectory } from './user-directory.js';

type Id = mongoose.Types.ObjectId;

export interface FollowUpsDeps {
  cases: FollowUpStore;
  responses: ResponseStore;
  surveys: SurveyStore;
  contacts: ContactStore;
  users: UserDirectory;
  clock: Clock;
}

/**
 * Close-the-loop cases: one per response that matches its survey's rule, opened when the answer is
 * stored (idempotent: the unique index on responseId), owned by the survey's owner until someone
 * assigns it, worked with notes, closed with an outcome. Times to first action and to close are kept.
 */
export class FollowUpsService {
  // Each survey's rule and owner, remembered for 10 s, so an answer does not pay a survey read for them.
  // A rule changed on the edit page applies to answers from at most 10 s later.
  private readonly rules;

  constructor(private readonly deps: FollowUpsDeps) {
    this.rules = ttlCache({ ttlMs: 10_000, clock: deps.clock }, async (surveyId: string) => {
      const doc = await deps.surveys.findById(new mongoose.Types.ObjectId(surveyId));
      if (!doc) return null;
      const rule = {
        maxScore: doc.followUpRule?.maxScore ?? DEFAULT_FOLLOW_UP_MAX_SCORE,
        wouldNot: doc.followUpRule?.wouldNot ?? false,
      };
      return { ownerId: doc.ownerId, rule };
    });
  }

  /** Opens a case for a counted answer that matches the rule; nothing if one exists already. */
  async openFor(response: {
    _id: Id;
    surveyId: Id;
    score: number;
    repurchase?: string | null | undefined;
  }): Promise<boolean> {
    const survey = await this.rules.get(String(response.surveyId));
    if (!survey || !matchesFollowUpRule(survey.rule, response)) return false;
    return this.deps.cases.open({
      responseId: response._id,
      surveyId: response.surveyId,
      ownerId: survey.ownerId,
      openedAt: this.deps.clock.now(),
      openedScore: response.score,
    });
  }

  async list(filter: {
    status?: FollowUpStatus | 'active' | undefined;
    surveyId?: string | undefined;
    ownerId?: string | undefined;
  }) {
    const query: Record<string, unknown> = {};
    query.status =
      filter.status === 'active' || filter.status === undefined
        ? mongoose.trusted({ $in: [...ACTIVE_STATUSES] })
        : filter.status;
    if (filter.surveyId && mongoose.isValidObjectId(filter.surveyId))
      query.surveyId = new mongoose.Types.ObjectId(filter.surveyId);
    if (filter.ownerId && mongoose.isValidObjectId(filter.ownerId))
      query.ownerId = new mongoose.Types.ObjectId(filter.ownerId);
    const cases = await this.deps.cases.find(query, 500);
    const [responses, surveyNames, userNames, types] = await Promise.all([
      this.deps.responses.byIds(
        cases.map((c) => c.responseId),
        'score category repurchase comment contactId submittedAt',
      ),
      this.deps.surveys.names(),
      this.deps.users.names(),
      this.deps.surveys.types(
        [...new Set(cases.map((c) => String(c.surveyId)))].map((id) => new mongoose.Types.ObjectId(id)),
      ),
    ]);
    const byResponse = new Map(responses.map((r) => [String(r._id), r]));
    const now = this.deps.clock.now().getTime();
    return cases.map((c) => {
      const r = byResponse.get(String(c.responseId));
      return {
        id: String(c._id),
        status: c.status,
        openedAt: c.openedAt,
        ageDays: Math.floor((now - c.openedAt.getTime()) / 86_400_000),
        survey: surveyNames.get(String(c.surveyId)) ?? '',
        owner: c.ownerId ? (userNames.get(String(c.ownerId)) ?? '') : '',
        score: r?.score,
        category: r?.category,
        ...answerChange(c.openedScore, r?.score, types.get(String(c.surveyId)) ?? 'nps'),
        comment: r?.comment ?? '',
      };
    });
  }

  /** Median hours to first action and to close, per survey, for cases opened since `since`. */
  async timings(since: Date) {
    const [cases, names] = await Promise.all([this.deps.cases.openedSince(since), this.deps.surveys.names()]);
    return timingsOf(cases, names);
  }

  async get(id: string) {
    const c = await this.deps.cases.findById(caseIdOf(id));
    if (!c) throw new NotFoundError(messages.notFound, 'FOLLOWUP_NOT_FOUND');
    const [response, survey, users] = await Promise.all([
      this.deps.responses.findById(c.responseId),
      this.deps.surveys.findById(c.surveyId),
      this.deps.users.active(),
    ]);
    const contact = response?.contactId ? await this.deps.contacts.findById(response.contactId) : null;
    const names = new Map(users.map((u) => [u.id, u.name || u.email]));
    return {
      id: String(c._id),
      status: c.status,
      outcome: c.outcome ?? undefined,
      openedAt: c.openedAt,
      firstActionAt: c.firstActionAt ?? undefined,
      closedAt: c.closedAt ?? undefined,
      ownerId: c.ownerId ? String(c.ownerId) : '',
      owner: c.ownerId ? (names.get(String(c.ownerId)) ?? '') : '',
      survey: { id: String(c.surveyId), name: survey?.name ?? '' },
      response: response
        ? {
            score: response.score,
            category: response.category,
            ...answerChange(c.openedScore, response.score, isSurveyType(survey?.type) ? survey.type : 'nps'),
            repurchase: response.repurchase ?? undefined,
            comment: response.comment ?? '',
            submittedAt: response.submittedAt,
            channel: response.channel,
          }
        : undefined,
      contact: contact ? { id: String(contact._id), email: contact.email, name: contact.name ?? '' } : undefined,
      notes: (c.notes ?? []).map((n) => ({ text: n.text, at: n.at, author: names.get(String(n.authorId)) ?? '' })),
      users: users.filter((u) => u.role !== 'viewer').map((u) => ({ id: u.id, name: u.name || u.email })),
    };
  }

  /**
   * One step on a case: assign, note, start, close (with an outcome) or reopen. Each is one atomic
   * update whose filter names the states it is allowed from (followup-rules.ts); the first step
   * stamps firstActionAt.
   */
  async act(id: string, userId: string, action: FollowUpAction): Promise<void> {
    const _id = caseIdOf(id);
    const now = this.deps.clock.now();
    const step = stepOf(action, now);
    const set = { ...step.set };
    if (action.kind === 'assign') set.ownerId = await this.ownerIdOf(action.ownerId);
    const update =
      action.kind === 'note'
        ? { $push: { notes: { authorId: new mongoose.Types.ObjectId(userId), text: action.text, at: now } } }
        : { $set: set, ...(step.unset ? { $unset: step.unset } : {}) };
    if (!(await this.deps.cases.step(_id, step.from, update))) {
      if (!(await this.deps.cases.exists(_id))) throw new NotFoundError(messages.notFound, 'FOLLOWUP_NOT_FOUND');
      throw new ConflictError(messages.changedMeanwhile, 'FOLLOWUP_STATE_CHANGED');
    }
    await this.deps.cases.stampFirstAction(_id, now);
  }

  /** Replies to the customer from the case and logs it (followup-reply.ts); returns the address it went to. */
  reply(id: string, userId: string, input: Parameters<typeof replyToCustomer>[3]): Promise<string> {
    return replyToCustomer(this.deps, id, userId, input);
  }

  /** Each response's case status, for a survey (the CSV export's column). */
  statusByResponse(surveyId: Id): Promise<Map<string, string>> {
    return this.deps.cases.statusByResponse(surveyId);
  }

  /** A case owner must be an enabled manager or admin. */
  private async ownerIdOf(raw: string): Promise<Id> {
    const owner = mongoose.isValidObjectId(raw)
      ? (await this.deps.users.active()).find((u) => u.id === String(raw) && u.role !== 'viewer')
      : undefined;
    if (!owner) throw new ValidationError(messages.chooseOwner, { ownerId: messages.chooseOwner });
    return new mongoose.Types.ObjectId(owner.id);
  }
}

/**
 * A case stays open when the customer changes the answer (someone was unhappy; the owner decides), but
 * says so: the score it was opened for beside the current one. Cases opened before the score was
 * kept show no change.
 */
function answerChange(openedScore: number | null | undefined, score: number | undefined, type: SurveyType) {
  if (openedScore === null || openedScore === undefined || score === undefined || openedScore === score)
    return { answerChanged: false };
  const band = isPointOf(type, openedScore) ? bandOf(type, openedScore) : undefined;
  return { answerChanged: true, openedScore, openedCategory: band ?? '' };
}
