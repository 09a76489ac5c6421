import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { isDuplicateKeyError, NotFoundError } from '../lib/errors.js';
import type { Sealer } from '../lib/seal.js';
import { hashToken, isWellFormedToken } from '../lib/tokens.js';
import type { Aggregates } from '../results/aggregates.js';
import { surveyDetailOf, type SurveyDetail } from '../surveys/survey-detail.js';
import { categoryOf, COUNTED_REVIEW_STATES, isCounted, type RepurchaseAnswer } from '../vocabulary/answers.js';
import { responseSummaryOf } from './response-json.js';
import type { AnswerInput } from './response.schemas.js';

/** Thresholds for "looks automated" (server/responses/README.md explains each). */
export interface RespondPolicy {
  /** How long a customer may change an answer after first giving it. */
  editWindowMs: number;
  /** A form sent back sooner than this after the page was served was not read by a person. */
  minSecondsOnPage: number;
  /** A page opened sooner than this after we handed the email to the mail server was opened by a machine. */
  minSecondsToClick: number;
}

export const DEFAULT_BOT_THRESHOLDS = { minSecondsOnPage: 2, minSecondsToClick: 5 } as const;

export interface BotSignals {
  secondsToFirstClick?: number | undefined;
  secondsOnPage?: number | undefined;
  honeypot: boolean;
}

export type AutomationReason = 'honeypot' | 'fast_submit' | 'instant_click';

/** Why a submission looks automated; empty when it looks like a person. Pure, so it is tested exhaustively. */
export function automationReasons(
  signals: BotSignals,
  policy: Pick<RespondPolicy, 'minSecondsOnPage' | 'minSecondsToClick'>,
): AutomationReason[] {
  const reasons: AutomationReason[] = [];
  if (signals.honeypot) reasons.push('honeypot');
  if (signals.secondsOnPage !== undefined && signals.secondsOnPage < policy.minSecondsOnPage)
    reasons.push('fast_submit');
  if (signals.secondsToFirstClick !== undefined && signals.secondsToFirstClick < policy.minSecondsToClick)
    reasons.push('instant_click');
  return reasons;
}

export const AUTOMATION_REASON_LABELS: Record<AutomationReason, string> = {
  honeypot: 'Followed the hidden link no person can see',
  fast_submit: 'Sent the form faster than a person can read it',
  instant_click: 'Opened the link within seconds of delivery',
};

/** What the customer answered, as their pages show it. */
export interface StoredAnswer {
  id: string;
  score: number;
  repurchase: RepurchaseAnswer | undefined;
  comment: string;
  submittedAt: Date;
  firstSubmittedAt: Date;
}

export interface OpenInvitation {
  state: 'open';
  invitationId: mongoose.Types.ObjectId;
  survey: SurveyDetail;
  contactLocale: string;
  /** The customer's own answer; a flagged or discarded one is not theirs to see or keep. */
  answer: StoredAnswer | null;
  /** Until when the answer may change; null when the window has passed. */
  editableUntil: Date | null;
}

export type InvitationLookup =
  | { state: 'invalid' }
  | { state: 'closed' | 'unsubscribed'; survey: SurveyDetail; contactLocale: string }
  | OpenInvitation;

export type WebLinkLookup = { state: 'invalid' } | { state: 'closed' | 'open'; survey: SurveyDetail };

export type AnswerOutcome =
  | { kind: 'invalid' }
  | { kind: 'closed' | 'unsubscribed'; survey: SurveyDetail; contactLocale: string }
  | { kind: 'bad-stamp' }
  | { kind: 'locked'; lookup: OpenInvitation }
  | { kind: 'saved'; answer: StoredAnswer; editableUntil: Date | null; flagged: boolean };

interface PageStamp {
  /** When the page was served (ms since epoch). */
  servedAt: number;
  /** One-time key of this copy of the page. */
  key: string;
}

type ResponseDoc = {
  _id: mongoose.Types.ObjectId;
  surveyId: mongoose.Types.ObjectId;
  channel: string;
  score: number;
  repurchase?: RepurchaseAnswer | null;
  comment?: string | null;
  submittedAt: Date;
  firstSubmittedAt?: Date | null;
  review: string;
};

function answerOf(doc: ResponseDoc): StoredAnswer {
  return {
    id: String(doc._id),
    score: doc.score,
    repurchase: doc.repurchase ?? undefined,
    comment: doc.comment ?? '',
    submittedAt: doc.submittedAt,
    firstSubmittedAt: doc.firstSubmittedAt ?? doc.submittedAt,
  };
}

function plainProperties(raw: unknown): Record<string, string> {
  if (raw instanceof Map) return Object.fromEntries(raw) as Record<string, string>;
  return (raw ?? {}) as Record<string, string>;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * The respondent's side: looking up a link, serving its page, and writing the one response per
 * invitation. Only POSTs reach `answerInvitation` / `answerWebLink`; page views call `recordClick`,
 * which touches the invitation's click time and never a response (see README.md).
 */
/** Told about every answer that counts (not flagged), after it is stored: webhooks listen here. */
export type ResponseListener = (
  event: 'response.created' | 'response.updated',
  response: Record<string, unknown> & { _id: mongoose.Types.ObjectId; surveyId: mongoose.Types.ObjectId },
) => Promise<void>;

export function createResponsesService(deps: {
  models: Models;
  clock: Clock;
  sealer: Sealer;
  policy: RespondPolicy;
  aggregates: Aggregates;
  onSaved?: ResponseListener;
}) {
  const { models, clock, sealer, policy, aggregates } = deps;

  function newStamp(): string {
    return sealer.seal(JSON.stringify({ servedAt: clock.now().getTime(), key: randomBytes(16).toString('base64url') }));
  }

  function readStamp(stamp: string): PageStamp | null {
    try {
      const parsed = JSON.parse(sealer.open(stamp)) as Partial<PageStamp>;
      if (typeof parsed.servedAt !== 'number' || typeof parsed.key !== 'string') return null;
      // A page cannot be served in the future (small allowance for clocks of several app instances).
      if (parsed.servedAt > clock.now().getTime() + 60_000) return null;
      return { servedAt: parsed.servedAt, key: parsed.key };
    } catch {
      return null;
    }
  }

  function editableUntil(answer: StoredAnswer | null): Date | null {
    if (!answer) return null;
    const until = new Date(answer.firstSubmittedAt.getTime() + policy.editWindowMs);
    return until > clock.now() ? until : null;
  }

  /** Finds the invitation of a link token: malformed tokens are refused before any query. */
  async function lookupInvitation(
    token: string,
    options: { withResponse?: boolean } = {},
  ): Promise<
    InvitationLookup & {
      invitation?: {
        _id: mongoose.Types.ObjectId;
        sentAt?: Date | null;
        honeypotClients?: string[] | null;
        contactId: mongoose.Types.ObjectId;
        surveyId: mongoose.Types.ObjectId;
      };
      contactProperties?: Record<string, string>;
    }
  > {
    if (!isWellFormedToken(token)) return { state: 'invalid' };
    const invitation = await models.invitations
      .findOne({ tokenHash: hashToken(token) })
      .select('_id surveyId contactId sentAt honeypotClients')
      .lean();
    if (!invitation) return { state: 'invalid' };
    const [surveyDoc, contact, responseDoc] = await Promise.all([
      models.surveys.findById(invitation.surveyId).lean(),
      models.contacts.findById(invitation.contactId).select('locale properties unsubscribedAt').lean(),
      options.withResponse === false ? undefined : findResponse(invitation._id),
    ]);
    // A deleted contact's invitations go with it; a survey is never deleted while it has invitations.
    if (!surveyDoc || !contact) return { state: 'invalid' };
    const survey = surveyDetailOf(surveyDoc);
    const contactLocale = contact.locale ?? '';
    if (survey.status === 'closed') return { state: 'closed', survey, contactLocale };
    if (contact.unsubscribedAt) return { state: 'unsubscribed', survey, contactLocale };
    const answer =
      responseDoc !== undefined && responseDoc !== null && isCounted(responseDoc.review) ? answerOf(responseDoc) : null;
    return {
      state: 'open',
      invitationId: invitation._id,
      survey,
      contactLocale,
      answer,
      editableUntil: editableUntil(answer),
      invitation,
      contactProperties: plainProperties(contact.properties),
    };
  }

  function findResponse(invitationId: mongoose.Types.ObjectId) {
    return models.responses
      .findOne({ invitationId })
      .select('score repurchase comment submittedAt firstSubmittedAt review')
      .lean<ResponseDoc>();
  }

  /**
   * A page view from a score link: remembers the first click on the invitation. It is an event, not an
   * answer: it never creates or changes a response and counts in no figure.
   */
  async function recordClick(invitationId: mongoose.Types.ObjectId): Promise<void> {
    // $min keeps the earliest click atomically; filtering on _id alone lets every engine use its index.
    await models.invitations.updateOne({ _id: invitationId }, { $min: { firstClickedAt: clock.now() } });
  }

  /** The hidden link in the email was fetched: remember which client did it, to flag its answers. */
  async function recordHoneypot(token: string, clientKey: string): Promise<void> {
    if (!isWellFormedToken(token)) return;
    await models.invitations.updateOne({ tokenHash: hashToken(token) }, { $addToSet: { honeypotClients: clientKey } });
  }

  /**
   * Writes the customer's answer for one invitation: creates the response or, inside the edit window,
   * changes it. The unique index on invitationId makes concurrent first answers collide; the loser
   * applies its answer as a change, so there is always exactly one response.
   */
  async function answerInvitation(input: {
    token: string;
    answer: AnswerInput;
    clientKey: string;
  }): Promise<AnswerOutcome> {
    // The response is not read up front: most submissions are first answers, so we insert and let
    // the unique index tell us when there already is one (one database round trip fewer).
    const found = await lookupInvitation(input.token, { withResponse: false });
    if (found.state === 'invalid') return { kind: 'invalid' };
    if (found.state !== 'open') return { kind: found.state, survey: found.survey, contactLocale: found.contactLocale };
    const stamp = readStamp(input.answer.stamp);
    if (!stamp) return { kind: 'bad-stamp' };
    const invitation = found.invitation!;
    const now = clock.now();
    const signals: BotSignals = {
      secondsToFirstClick: invitation.sentAt ? seconds(stamp.servedAt - invitation.sentAt.getTime()) : undefined,
      secondsOnPage: seconds(now.getTime() - stamp.servedAt),
      honeypot: (invitation.honeypotClients ?? []).includes(input.clientKey),
    };
    const reasons = automationReasons(signals, policy);
    const review: 'flagged' | 'none' = reasons.length > 0 ? 'flagged' : 'none';
    const fields = {
      score: input.answer.score,
      category: categoryOf(input.answer.score),
      repurchase: input.answer.repurchase,
      comment: input.answer.comment,
      submittedAt: now,
      botSignals: { ...signals, reasons },
      review,
    };

    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = attempt === 0 ? null : await findResponse(invitation._id);
      if (!existing) {
        try {
          const created = await models.responses.create({
            ...fields,
            surveyId: invitation.surveyId,
            invitationId: invitation._id,
            contactId: invitation.contactId,
            channel: 'email',
            firstSubmittedAt: now,
            contactSnapshot: found.contactProperties,
            countsPending: 1,
            countsPendingAt: now,
            countsPendingFrom: now,
          });
          const doc = created.toObject();
          return await saved(doc, invitation._id, review, { before: null, event: 'response.created' });
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err;
          continue; // a concurrent submit created it first: apply ours as a change
        }
      }
      const ownAnswer = isCounted(existing.review);
      // The autosave only records a score the customer has not given yet; it never overwrites an answer.
      if (input.answer.autosave && ownAnswer)
        return {
          kind: 'saved',
          answer: answerOf(existing),
          editableUntil: editableUntil(answerOf(existing)),
          flagged: false,
        };
      // A flagged or discarded response was not the customer's: theirs replaces it and starts the window.
      const filter: Record<string, unknown> = ownAnswer
        ? {
            _id: existing._id,
            review: mongoose.trusted({ $in: [...COUNTED_REVIEW_STATES] }),
            firstSubmittedAt: mongoose.trusted({ $gt: new Date(now.getTime() - policy.editWindowMs) }),
          }
        : { _id: existing._id, review: mongoose.trusted({ $nin: [...COUNTED_REVIEW_STATES] }) };
      const marked = { ...fields, countsPendingAt: now, countsPendingFrom: existing.submittedAt };
      const update = {
        $set: ownAnswer || review === 'flagged' ? marked : { ...marked, firstSubmittedAt: now },
        $inc: { countsPending: 1 },
      };
      // The state before this change comes back from the same atomic update, so the day counts move
      // by exactly this change even when two changes race.
      const before = await models.responses
        .findOneAndUpdate(filter, update, { returnDocument: 'before' })
        .lean<ResponseDoc>();
      if (before) {
        const after: ResponseDoc = { ...before, ...update.$set };
        return await saved(after, invitation._id, review, {
          before,
          event: ownAnswer ? 'response.updated' : 'response.created',
        });
      }
      // The window closed, or the response changed state meanwhile: look again.
      const again = await lookupInvitation(input.token);
      if (again.state === 'open' && again.answer && !again.editableUntil) return { kind: 'locked', lookup: again };
    }
    throw new Error(`answer for invitation ${String(invitation._id)} kept changing under us`);
  }

  /**
   * After the response write: its counts, the invitation's answered time and the webhook queue. The
   * three are independent, so they go out together (one round trip of waiting, not three).
   */
  async function saved(
    doc: ResponseDoc,
    invitationId: mongoose.Types.ObjectId,
    review: string,
    change: { before: ResponseDoc | null; event: 'response.created' | 'response.updated' },
  ): Promise<AnswerOutcome> {
    const counted = review !== 'flagged';
    await Promise.all([
      aggregates.applyAndSettle(doc._id, change.before, doc),
      // Only a person's answer stops reminders: a scanner's flagged submission must not silence them.
      counted
        ? models.invitations.updateOne({ _id: invitationId }, { $min: { respondedAt: doc.submittedAt } })
        : undefined,
      counted ? deps.onSaved?.(change.event, doc) : undefined,
    ]);
    const answer = answerOf(doc);
    return { kind: 'saved', answer, editableUntil: editableUntil(answer), flagged: review === 'flagged' };
  }

  /** The survey behind an anonymous web link, if the link is on. */
  async function lookupWebLink(webLinkId: string): Promise<WebLinkLookup> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(webLinkId)) return { state: 'invalid' };
    const doc = await models.surveys.findOne({ webLinkId }).lean();
    if (!doc || doc.status === 'draft') return { state: 'invalid' };
    const survey = surveyDetailOf(doc);
    return { state: survey.status === 'closed' ? 'closed' : 'open', survey };
  }

  /**
   * One answer through a web link (channel `link`). Anonymous, so never changed later; the page's
   * one-time key makes a double click or a resent form one response.
   */
  async function answerWebLink(input: {
    webLinkId: string;
    answer: AnswerInput;
  }): Promise<
    | { kind: 'invalid' }
    | { kind: 'closed'; survey: SurveyDetail }
    | { kind: 'bad-stamp' }
    | { kind: 'saved'; survey: SurveyDetail; answer: StoredAnswer; flagged: boolean }
  > {
    const found = await lookupWebLink(input.webLinkId);
    if (found.state !== 'open')
      return found.state === 'invalid' ? { kind: 'invalid' } : { kind: 'closed', survey: found.survey };
    const stamp = readStamp(input.answer.stamp);
    if (!stamp) return { kind: 'bad-stamp' };
    const now = clock.now();
    const signals: BotSignals = {
      secondsOnPage: seconds(now.getTime() - stamp.servedAt),
      honeypot: Boolean(input.answer.website),
    };
    const reasons = automationReasons(signals, policy);
    const submissionKey = createHash('sha256').update(stamp.key).digest('hex');
    try {
      const created = await models.responses.create({
        surveyId: new mongoose.Types.ObjectId(found.survey.id),
        score: input.answer.score,
        category: categoryOf(input.answer.score),
        repurchase: input.answer.repurchase,
        comment: input.answer.comment,
        channel: 'link',
        submittedAt: now,
        firstSubmittedAt: now,
        submissionKey,
        botSignals: { ...signals, reasons },
        review: reasons.length > 0 ? 'flagged' : 'none',
        countsPending: 1,
        countsPendingAt: now,
        countsPendingFrom: now,
      });
      const doc = created.toObject();
      await aggregates.applyAndSettle(doc._id, null, doc);
      if (reasons.length === 0) await deps.onSaved?.('response.created', doc);
      return { kind: 'saved', survey: found.survey, answer: answerOf(doc), flagged: reasons.length > 0 };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const first = await models.responses.findOne({ submissionKey }).lean<ResponseDoc>();
      if (!first) throw err;
      return { kind: 'saved', survey: found.survey, answer: answerOf(first), flagged: first.review === 'flagged' };
    }
  }

  /** Responses of a survey waiting for a manager's decision, newest first. */
  async function flagged(surveyId: string) {
    if (!mongoose.isValidObjectId(surveyId)) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
    const docs = await models.responses
      .find({ surveyId: new mongoose.Types.ObjectId(surveyId), review: 'flagged' })
      .sort({ submittedAt: -1 })
      .limit(200)
      .select('score category repurchase comment channel submittedAt botSignals')
      .lean();
    return docs.map((d) => ({
      ...responseSummaryOf(d),
      secondsToFirstClick: d.botSignals?.secondsToFirstClick ?? undefined,
      secondsOnPage: d.botSignals?.secondsOnPage ?? undefined,
      reasons: (d.botSignals?.reasons ?? []).map((r) => AUTOMATION_REASON_LABELS[r as AutomationReason] ?? r),
    }));
  }

  /** How many of a survey's answers wait for review: read from the day counts, not by counting responses. */
  async function flaggedCount(surveyId: string): Promise<number> {
    if (!mongoose.isValidObjectId(surveyId)) return 0;
    return (await aggregates.daysOf(new mongoose.Types.ObjectId(surveyId))).reduce((sum, d) => sum + d.flagged, 0);
  }

  /**
   * A manager's decision on a flagged response: accepted ones count in every figure (and stop
   * reminders), discarded ones stay stored but never count. Only flagged responses can be decided.
   */
  async function decide(input: {
    surveyId: string;
    responseId: string;
    decision: 'accept' | 'discard';
    userId: string;
  }): Promise<boolean> {
    if (!mongoose.isValidObjectId(input.responseId) || !mongoose.isValidObjectId(input.surveyId)) return false;
    const now = clock.now();
    const set = {
      review: input.decision === 'accept' ? 'accepted' : 'discarded',
      reviewedAt: now,
      reviewedBy: new mongoose.Types.ObjectId(input.userId),
      countsPendingAt: now,
      countsPendingFrom: now,
    };
    const before = await models.responses
      .findOneAndUpdate(
        {
          _id: new mongoose.Types.ObjectId(input.responseId),
          surveyId: new mongoose.Types.ObjectId(input.surveyId),
          review: 'flagged',
        },
        { $set: set, $inc: { countsPending: 1 } },
        { returnDocument: 'before' },
      )
      .lean();
    const doc = before ? { ...before, ...set } : null;
    if (before && doc) await aggregates.applyAndSettle(doc._id, before, doc);
    if (doc && input.decision === 'accept') await deps.onSaved?.('response.created', doc);
    if (doc && input.decision === 'accept' && doc.invitationId) {
      await models.invitations.updateOne({ _id: doc.invitationId }, { $min: { respondedAt: doc.submittedAt } });
    }
    return Boolean(doc);
  }

  return {
    newStamp,
    lookupInvitation,
    recordClick,
    recordHoneypot,
    answerInvitation,
    lookupWebLink,
    answerWebLink,
    flagged,
    flaggedCount,
    decide,
  };
}

export type ResponsesService = ReturnType<typeof createResponsesService>;
