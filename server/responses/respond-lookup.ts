import type mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { plainProperties } from '../lib/properties.js';
import { hashToken, isWellFormedToken } from '../lib/tokens.js';
import type { InvitationStore } from '../sending/invitation.store.js';
import { surveyDetailOf, type SurveyDetail } from '../surveys/survey-detail.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { isCounted, type RepurchaseAnswer } from '../vocabulary/answers.js';
import type { Band } from '../vocabulary/scales.js';
import type { ExtraAnswer } from './extra-answers.js';
import type { LinkContext, LinkReader } from './link-reader.js';
import type { AnswerDoc } from './response.store.js';

/** What the customer answered, as their pages show it. */
export interface StoredAnswer {
  id: string;
  score: number;
  /** The score's band on the survey's scale (vocabulary/scales.ts). */
  category: Band;
  /** Answers to the additional questions. */
  answers: ExtraAnswer[];
  repurchase: RepurchaseAnswer | undefined;
  comment: string;
  submittedAt: Date;
  firstSubmittedAt: Date;
}

/** The invitation behind an open link, as the answer write needs it. */
export type LinkInvitation = LinkContext['invitation'];

export interface OpenInvitation {
  state: 'open';
  invitationId: mongoose.Types.ObjectId;
  survey: SurveyDetail;
  contactLocale: string;
  /** The customer's own answer; a flagged or discarded one is not theirs to see or keep. */
  answer: StoredAnswer | null;
  /** Until when the answer may change; null when the window has passed. */
  editableUntil: Date | null;
  invitation: LinkInvitation;
  contactProperties: Record<string, string>;
  /** The stored response as it is, the customer's or not (only when looked up with the response). */
  response: AnswerDoc | undefined;
}

export type InvitationLookup =
  | { state: 'invalid' }
  | { state: 'closed' | 'unsubscribed'; survey: SurveyDetail; contactLocale: string }
  | OpenInvitation;

export type WebLinkLookup = { state: 'invalid' } | { state: 'closed' | 'open'; survey: SurveyDetail };

export interface LookupDeps {
  invitations: InvitationStore;
  surveys: SurveyStore;
  links: LinkReader;
  clock: Clock;
  /** How long a customer may change an answer after first giving it. */
  editWindowMs: number;
}

export function answerOf(
  doc: Pick<
    AnswerDoc,
    '_id' | 'score' | 'category' | 'answers' | 'repurchase' | 'comment' | 'submittedAt' | 'firstSubmittedAt'
  >,
): StoredAnswer {
  return {
    id: String(doc._id),
    score: doc.score,
    category: doc.category,
    answers: (doc.answers ?? []).map(plainAnswer),
    repurchase: doc.repurchase ?? undefined,
    comment: doc.comment ?? '',
    submittedAt: doc.submittedAt,
    firstSubmittedAt: doc.firstSubmittedAt ?? doc.submittedAt,
  };
}

/** A stored answer without Mongoose's array wrappers or empty fields. */
export function plainAnswer(a: {
  q: string;
  choices?: string[] | null;
  rating?: number | null;
  text?: string | null;
}): ExtraAnswer {
  return {
    q: a.q,
    ...(a.choices && a.choices.length > 0 ? { choices: [...a.choices] } : {}),
    ...(typeof a.rating === 'number' ? { rating: a.rating } : {}),
    ...(typeof a.text === 'string' ? { text: a.text } : {}),
  };
}

/**
 * What a link from the email or a web link leads to. Page views only read here, apart from the click
 * time (`recordClick`), which touches the invitation and never a response (see README.md).
 */
export class RespondLookup {
  constructor(private readonly deps: LookupDeps) {}

  /** Until when an answer may change; null when the window has passed. */
  editableUntil(answer: StoredAnswer | null): Date | null {
    if (!answer) return null;
    const until = new Date(answer.firstSubmittedAt.getTime() + this.deps.editWindowMs);
    return until > this.deps.clock.now() ? until : null;
  }

  /**
   * Finds the invitation of a link token with its survey, contact and response, in one round trip
   * (link-reader.ts); malformed tokens are refused before any query.
   */
  async lookupInvitation(token: string): Promise<InvitationLookup> {
    if (!isWellFormedToken(token)) return { state: 'invalid' };
    const found = await this.deps.links.byTokenHash(hashToken(token), { withResponse: true });
    if (!found) return { state: 'invalid' };
    const { invitation, survey: surveyDoc, contact, response: responseDoc } = found;
    // A deleted contact's invitations go with it; a survey is never deleted while it has invitations.
    if (!surveyDoc || !contact) return { state: 'invalid' };
    const survey = surveyDetailOf(surveyDoc);
    const contactLocale = contact.locale ?? '';
    if (survey.status === 'closed') return { state: 'closed', survey, contactLocale };
    if (contact.unsubscribedAt) return { state: 'unsubscribed', survey, contactLocale };
    const answer = responseDoc && isCounted(responseDoc.review) ? answerOf(responseDoc) : null;
    return {
      state: 'open',
      invitationId: invitation._id,
      survey,
      contactLocale,
      answer,
      editableUntil: this.editableUntil(answer),
      invitation,
      contactProperties: plainProperties(contact.properties),
      response: responseDoc,
    };
  }

  /**
   * A page view from a score link: remembers the first click on the invitation. It is an event, not an
   * answer: it never creates or changes a response and counts in no figure.
   */
  recordClick(invitationId: mongoose.Types.ObjectId): Promise<void> {
    return this.deps.invitations.markClicked(invitationId, this.deps.clock.now());
  }

  /** The hidden link in the email was fetched: remember which client did it, to flag its answers. */
  async recordHoneypot(token: string, clientKey: string): Promise<void> {
    if (!isWellFormedToken(token)) return;
    await this.deps.invitations.addHoneypotClient(hashToken(token), clientKey);
  }

  /** The survey behind an anonymous web link, if the link is on. */
  async lookupWebLink(webLinkId: string): Promise<WebLinkLookup> {
    if (!/^[A-Za-z0-9_-]{22}$/.test(webLinkId)) return { state: 'invalid' };
    const doc = await this.deps.surveys.byWebLink(webLinkId);
    if (!doc || doc.status === 'draft') return { state: 'invalid' };
    const survey = surveyDetailOf(doc);
    return { state: survey.status === 'closed' ? 'closed' : 'open', survey };
  }
}
