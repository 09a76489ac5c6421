import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import type { Sealer } from '../lib/seal.js';
import type { InvitationStore } from '../sending/invitation.store.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { COUNTED_REVIEW_STATES, isCounted } from '../vocabulary/answers.js';
import { pickLanguage } from '../vocabulary/languages.js';
import { bandOf } from '../vocabulary/scales.js';
import { automationReasons, emailSignals, seconds, type BotThresholds } from './bot-signals.js';
import { readExtraAnswers, scoreProblem, type ExtraAnswer } from './extra-answers.js';
import { newStamp, readStamp } from './page-stamp.js';
import { answerOf, RespondLookup, type LookupDeps, type OpenInvitation, type StoredAnswer } from './respond-lookup.js';
import type { AnswerInput } from './response.schemas.js';
import type { AnswerDoc, ResponseStore } from './response.store.js';

/** Answers the survey refuses (a score off its scale, an additional question's answer): messages by field. */
export type Rejected = {
  kind: 'rejected';
  survey: SurveyDetail;
  contactLocale: string;
  errors: Record<string, string>;
};

/** The raw answers to the additional questions, by question id (form fields q_<id>, or the API's object). */
export type GivenAnswers = (questionId: string) => unknown;

export type AnswerOutcome =
  | { kind: 'invalid' }
  | Rejected
  | { kind: 'closed' | 'unsubscribed'; survey: SurveyDetail; contactLocale: string }
  | { kind: 'bad-stamp' }
  | { kind: 'locked'; lookup: OpenInvitation }
  | { kind: 'saved'; answer: StoredAnswer; editableUntil: Date | null; flagged: boolean };

export type WebLinkOutcome =
  | { kind: 'invalid' }
  | Rejected
  | { kind: 'closed'; survey: SurveyDetail }
  | { kind: 'bad-stamp' }
  | { kind: 'saved'; survey: SurveyDetail; answer: StoredAnswer; flagged: boolean };

/** Told about every answer that counts (not flagged), after it is stored: webhooks and follow-ups listen here. */
export type ResponseListener = (event: 'response.created' | 'response.updated', response: AnswerDoc) => Promise<void>;

export interface ResponsesDeps extends LookupDeps {
  invitations: InvitationStore;
  responses: ResponseStore;
  clock: Clock;
  /** Seals the page stamps in answer forms. */
  sealer: Sealer;
  thresholds: BotThresholds;
  onSaved?: ResponseListener | undefined;
}

/**
 * The respondent's side: looking up a link, serving its page, and writing the one response per
 * invitation. Only POSTs reach `answerInvitation` / `answerWebLink`; page views call `recordClick`,
 * which touches the invitation's click time and never a response (see README.md).
 */
export class ResponsesService extends RespondLookup {
  constructor(private readonly r: ResponsesDeps) {
    super(r);
  }

  /** A fresh sealed stamp for a form about to be served. */
  newStamp(): string {
    return newStamp(this.r.sealer, this.r.clock.now());
  }

  /**
   * Writes the customer's answer for one invitation: creates the response or, inside the edit window,
   * changes it. The lookup brings the response along (one round trip); when there is none, the insert
   * goes ahead, and the unique index on invitationId makes concurrent first answers collide: the loser
   * applies its answer as a change, so there is always exactly one response.
   */
  async answerInvitation(input: {
    token: string;
    answer: AnswerInput;
    given?: GivenAnswers;
    clientKey: string;
  }): Promise<AnswerOutcome> {
    const found = await this.lookupInvitation(input.token);
    if (found.state === 'invalid') return { kind: 'invalid' };
    if (found.state !== 'open') return { kind: found.state, survey: found.survey, contactLocale: found.contactLocale };
    const checked = checkAnswer(found.survey, found.contactLocale, input.answer, input.given);
    if ('kind' in checked) return checked;
    const now = this.r.clock.now();
    const stamp = readStamp(this.r.sealer, input.answer.stamp, now);
    if (!stamp) return { kind: 'bad-stamp' };
    const { invitation } = found;
    const signals = emailSignals({ ...invitation, servedAt: stamp.servedAt, now, clientKey: input.clientKey });
    const reasons = automationReasons(signals, this.r.thresholds);
    const review: 'flagged' | 'none' = reasons.length > 0 ? 'flagged' : 'none';
    const fields = {
      ...answerFields(found.survey, input.answer, checked.answers, now),
      botSignals: { ...signals, reasons },
      review,
    };
    const first = {
      ...fields,
      surveyId: invitation.surveyId,
      invitationId: invitation._id,
      contactId: invitation.contactId,
      channel: 'email',
      firstSubmittedAt: now,
      contactSnapshot: found.contactProperties,
    };
    let existing = found.response;
    if (!existing) {
      const created = await this.r.responses.insert(first, now, (doc) => this.effects(doc, review, 'response.created'));
      if (created) return this.savedOutcome(created, review);
    }
    // There was one already, or a concurrent submit created it first: apply ours as a change.
    for (let attempt = 0; attempt < 2; attempt++) {
      existing ??= (await this.r.responses.findByInvitation(invitation._id)) ?? undefined;
      if (!existing) continue;
      const outcome = await this.changeAnswer(existing, input.answer.autosave === '1', fields, now);
      if (outcome !== 'retry') return outcome;
      // The window closed, or the response changed state meanwhile: look again.
      const again = await this.lookupInvitation(input.token);
      if (again.state === 'open' && again.answer && !again.editableUntil) return { kind: 'locked', lookup: again };
      existing = again.state === 'open' ? again.response : undefined;
    }
    throw new Error(`answer for invitation ${String(invitation._id)} kept changing under us`);
  }

  /**
   * One answer through a web link (channel `link`). Anonymous, so never changed later; the page's
   * one-time key makes a double click or a resent form one response.
   */
  async answerWebLink(input: {
    webLinkId: string;
    answer: AnswerInput;
    given?: GivenAnswers;
    /** The page's language (the browser's, where we have it). */
    lang?: string;
  }): Promise<WebLinkOutcome> {
    const found = await this.lookupWebLink(input.webLinkId);
    if (found.state !== 'open')
      return found.state === 'invalid' ? { kind: 'invalid' } : { kind: 'closed', survey: found.survey };
    const checked = checkAnswer(found.survey, input.lang ?? '', input.answer, input.given);
    if ('kind' in checked) return checked;
    const now = this.r.clock.now();
    const stamp = readStamp(this.r.sealer, input.answer.stamp, now);
    if (!stamp) return { kind: 'bad-stamp' };
    const signals = { secondsOnPage: seconds(now.getTime() - stamp.servedAt), honeypot: Boolean(input.answer.website) };
    const reasons = automationReasons(signals, this.r.thresholds);
    const review = reasons.length > 0 ? 'flagged' : 'none';
    const submissionKey = createHash('sha256').update(stamp.key).digest('hex');
    const fields = {
      ...answerFields(found.survey, input.answer, checked.answers, now),
      surveyId: new mongoose.Types.ObjectId(found.survey.id),
      channel: 'link',
      firstSubmittedAt: now,
      submissionKey,
      botSignals: { ...signals, reasons },
      review,
    };
    const created = await this.r.responses.insert(fields, now, async (doc) => {
      if (review === 'none') await this.r.onSaved?.('response.created', doc);
    });
    const doc = created ?? (await this.r.responses.findBySubmissionKey(submissionKey));
    if (!doc) throw new Error('a web-link answer collided with one that is not there');
    return { kind: 'saved', survey: found.survey, answer: answerOf(doc), flagged: doc.review === 'flagged' };
  }

  /** A second submission for an invitation that has a response: a change inside the window, or a replacement of one not the customer's. */
  private async changeAnswer(
    existing: AnswerDoc,
    autosave: boolean,
    fields: Record<string, unknown> & { review: 'flagged' | 'none' },
    now: Date,
  ): Promise<AnswerOutcome | 'retry'> {
    const own = isCounted(existing.review);
    // The autosave only records a score the customer has not given yet; it never overwrites an answer.
    if (autosave && own)
      return {
        kind: 'saved',
        answer: answerOf(existing),
        editableUntil: this.editableUntil(answerOf(existing)),
        flagged: false,
      };
    // A flagged or discarded response was not the customer's: theirs replaces it and starts the window.
    const filter = own
      ? {
          _id: existing._id,
          review: mongoose.trusted({ $in: [...COUNTED_REVIEW_STATES] }),
          firstSubmittedAt: mongoose.trusted({ $gt: new Date(now.getTime() - this.r.editWindowMs) }),
        }
      : { _id: existing._id, review: mongoose.trusted({ $nin: [...COUNTED_REVIEW_STATES] }) };
    const set = own || fields.review === 'flagged' ? fields : { ...fields, firstSubmittedAt: now };
    const event = own ? 'response.updated' : 'response.created';
    const changed = await this.r.responses.change(filter, { set }, existing.submittedAt, now, (doc) =>
      this.effects(doc, fields.review, event),
    );
    return changed ? this.savedOutcome(changed.after, fields.review) : 'retry';
  }

  /**
   * What follows a counted answer, together with its count update: the invitation's answered time
   * (only a person's answer stops reminders: a scanner's flagged submission must not silence them)
   * and the listeners (webhooks, follow-ups).
   */
  private async effects(doc: AnswerDoc, review: string, event: 'response.created' | 'response.updated'): Promise<void> {
    if (review === 'flagged') return;
    await Promise.all([
      doc.invitationId ? this.r.invitations.markResponded(doc.invitationId, doc.submittedAt) : undefined,
      this.r.onSaved?.(event, doc),
    ]);
  }

  private savedOutcome(doc: AnswerDoc, review: string): AnswerOutcome {
    const answer = answerOf(doc);
    return { kind: 'saved', answer, editableUntil: this.editableUntil(answer), flagged: review === 'flagged' };
  }
}

/**
 * The answer against the survey: the score on its scale, the additional questions' answers (with
 * their conditions). A refusal carries the messages in the respondent's language; nothing is written.
 */
function checkAnswer(
  survey: SurveyDetail,
  contactLocale: string,
  answer: AnswerInput,
  given: GivenAnswers | undefined,
): Rejected | { answers: ExtraAnswer[] } {
  const lang = pickLanguage(contactLocale, survey.language);
  const problem = scoreProblem(survey.type, answer.score, lang);
  if (problem) return { kind: 'rejected', survey, contactLocale, errors: { score: problem } };
  const read = readExtraAnswers(survey.extraQuestions, given ?? (() => undefined), {
    score: answer.score,
    lang,
    surveyLanguage: survey.language,
    partial: answer.autosave === '1',
  });
  if (Object.keys(read.errors).length > 0) return { kind: 'rejected', survey, contactLocale, errors: read.errors };
  return { answers: read.answers };
}

/**
 * The answer's own fields, as every write stores them: the band of the score on the survey's scale,
 * and the standard questions only where the survey asks them. A change replaces every answer.
 */
function answerFields(survey: SurveyDetail, answer: AnswerInput, answers: ExtraAnswer[], now: Date) {
  return {
    score: answer.score,
    category: bandOf(survey.type, answer.score),
    repurchase: survey.askRepurchase ? answer.repurchase : undefined,
    comment: survey.askReason ? answer.comment : '',
    answers,
    submittedAt: now,
  };
}
