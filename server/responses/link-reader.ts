import type mongoose from 'mongoose';

import type { surveyDetailOf } from '../surveys/survey-detail.js';
import type { AnswerDoc } from './response.store.js';

type SurveyDoc = Parameters<typeof surveyDetailOf>[0];

/** An invitation behind a link token, with its survey, its contact and (if asked for) its response. */
export interface LinkContext {
  invitation: {
    _id: mongoose.Types.ObjectId;
    surveyId: mongoose.Types.ObjectId;
    contactId: mongoose.Types.ObjectId;
    sentAt?: Date | null;
    honeypotClients?: string[] | null;
  };
  survey: SurveyDoc | undefined;
  contact: { locale?: string | null; unsubscribedAt?: Date | null; properties?: unknown } | undefined;
  response: AnswerDoc | undefined;
}

/**
 * Reads only: what a click or an answer needs to know about a link, in one round trip (an aggregate
 * on the invitation's unique token hash that looks up the survey, the contact and the response by
 * their indexed keys: _id, _id and the unique invitationId). The collections keep their writers.
 */
export class LinkReader {
  /** The invitations collection, and the names of the collections looked up (wired in boot/). */
  constructor(
    private readonly invitations: mongoose.mongo.Collection,
    private readonly from: { surveys: string; contacts: string; responses: string },
  ) {}

  async byTokenHash(tokenHash: string, options: { withResponse: boolean }): Promise<LinkContext | null> {
    const { surveys, contacts, responses } = this.from;
    const lookup = (from: string, localField: string, foreignField: string, as: string) => ({
      $lookup: { from, localField, foreignField, as },
    });
    const [row] = await this.invitations
      .aggregate<{
        _id: mongoose.Types.ObjectId;
        surveyId: mongoose.Types.ObjectId;
        contactId: mongoose.Types.ObjectId;
        sentAt?: Date | null;
        honeypotClients?: string[] | null;
        s: SurveyDoc[];
        c: LinkContext['contact'][];
        r?: AnswerDoc[];
      }>([
        { $match: { tokenHash } },
        { $limit: 1 },
        { $project: { surveyId: 1, contactId: 1, sentAt: 1, honeypotClients: 1 } },
        lookup(surveys, 'surveyId', '_id', 's'),
        lookup(contacts, 'contactId', '_id', 'c'),
        ...(options.withResponse ? [lookup(responses, '_id', 'invitationId', 'r')] : []),
      ])
      .toArray();
    if (!row) return null;
    const { s, c, r, ...invitation } = row;
    return { invitation, survey: s[0], contact: c[0], response: r?.[0] };
  }
}
