import type mongoose from 'mongoose';

import type { ContactModel } from '../contacts/contact.model.js';
import type { InvitationModel } from '../sending/invitation.model.js';
import type { SurveyDoc, SurveyModel } from '../surveys/survey.model.js';
import type { ResponseModel } from './response.model.js';
import type { AnswerDoc } from './response.store.js';

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
  constructor(
    private readonly models: {
      invitations: InvitationModel;
      surveys: SurveyModel;
      contacts: ContactModel;
      responses: ResponseModel;
    },
  ) {}

  async byTokenHash(tokenHash: string, options: { withResponse: boolean }): Promise<LinkContext | null> {
    const { invitations, surveys, contacts, responses } = this.models;
    const lookup = (from: string, localField: string, foreignField: string, as: string) => ({
      $lookup: { from, localField, foreignField, as },
    });
    const [row] = await invitations.collection
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
        lookup(surveys.collection.collectionName, 'surveyId', '_id', 's'),
        lookup(contacts.collection.collectionName, 'contactId', '_id', 'c'),
        ...(options.withResponse ? [lookup(responses.collection.collectionName, '_id', 'invitationId', 'r')] : []),
      ])
      .toArray();
    if (!row) return null;
    const { s, c, r, ...invitation } = row;
    return { invitation, survey: s[0], contact: c[0], response: r?.[0] };
  }
}
