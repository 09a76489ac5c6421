import { randomBytes } from 'node:crypto';

import { ConflictError } from '../lib/errors.js';
import { surveyDetailOf, surveySummaryOf, type SurveyDetail, type SurveySummary } from './survey-detail.js';
import { surveyIdOf, surveyNotFound } from './survey-id.js';
import { actionVerb, type StatusAction } from './survey-status.js';
import type { SurveyStatus } from './survey.model.js';
import type { SurveyStore } from './survey.store.js';
import { messages } from './surveys.messages.js';
import type { SurveyInput, SurveySettings } from './surveys.schemas.js';

/** Surveys as managers see them: create, read, change settings and status, the web link. */
export class SurveysService {
  constructor(private readonly store: SurveyStore) {}

  /** Every survey, newest first (figures come from the results service). */
  async list(): Promise<SurveySummary[]> {
    return (await this.store.list()).map(surveySummaryOf);
  }

  /** Every survey with all its settings, newest first (one query; for the API). */
  async listDetails(): Promise<SurveyDetail[]> {
    return (await this.store.list()).map(surveyDetailOf);
  }

  /** Creates a draft survey with the standard question wording. */
  async create(input: SurveyInput, ownerId?: string): Promise<{ id: string; name: string }> {
    const doc = await this.store.create(input, ownerId);
    return { id: String(doc._id), name: doc.name };
  }

  async get(id: string): Promise<SurveyDetail> {
    const doc = await this.store.findById(surveyIdOf(id));
    if (!doc) throw surveyNotFound();
    return surveyDetailOf(doc);
  }

  /** Saves every setting at once. A closed survey can no longer be edited. */
  async update(id: string, input: SurveySettings): Promise<void> {
    const _id = surveyIdOf(id);
    const saved = await this.store.saveSettings(_id, {
      name: input.name,
      companyName: input.companyName,
      questions: {
        recommend: input.recommendQuestion,
        repurchase: input.repurchaseQuestion,
        reason: input.reasonQuestion,
      },
      senderName: input.senderName,
      replyTo: input.replyTo,
      emailSubject: input.emailSubject,
      emailIntro: input.emailIntro,
      language: input.language,
      reminder: { enabled: input.reminderEnabled, afterDays: input.reminderAfterDays },
      followUpRule: { maxScore: input.followUpMaxScore, wouldNot: input.followUpWouldNot },
    });
    if (saved) return;
    if (await this.store.exists(_id)) throw new ConflictError(messages.closed, 'SURVEY_CLOSED');
    throw surveyNotFound();
  }

  /**
   * Turns the anonymous web link on (a new random id: 128 bits, so links cannot be guessed) or off.
   * Turning it off and on again gives a new address; the old one stops working.
   */
  async setWebLink(id: string, on: boolean): Promise<string | undefined> {
    const webLinkId = on ? randomBytes(16).toString('base64url') : undefined;
    if (!(await this.store.setWebLink(surveyIdOf(id), webLinkId))) throw surveyNotFound();
    return webLinkId;
  }

  /**
   * Moves the survey to a new status in one atomic update whose filter names the allowed previous
   * statuses, so two managers clicking at once cannot, say, resume a survey the other just closed.
   */
  async changeStatus(id: string, action: StatusAction): Promise<SurveyStatus> {
    const _id = surveyIdOf(id);
    const updated = await this.store.transition(_id, action);
    if (updated) return updated.status;
    const current = await this.store.statusOf(_id);
    if (!current) throw surveyNotFound();
    throw new ConflictError(messages.invalidStatusChange(current, actionVerb(action)), 'INVALID_STATUS_CHANGE');
  }
}
