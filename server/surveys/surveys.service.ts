import { randomBytes } from 'node:crypto';
import mongoose, { type InferSchemaType } from 'mongoose';

import type { Models } from '../boot/models.js';
import { ConflictError, NotFoundError } from '../lib/errors.js';
import { DEFAULT_FOLLOW_UP_MAX_SCORE, DEFAULT_QUESTIONS, DEFAULT_REMINDER_AFTER_DAYS } from '../vocabulary/defaults.js';
import { autopilotSettingsOf, type AutopilotSettings } from './autopilot-settings.js';
import type { surveySchema, SurveyStatus } from './survey.model.js';
import type { StatusAction, SurveyInput, SurveySettings } from './surveys.schemas.js';

export interface SurveySummary {
  id: string;
  name: string;
  companyName: string;
  status: SurveyStatus;
  createdAt: Date | undefined;
}

export interface SurveyDetail extends SurveySettings {
  id: string;
  status: SurveyStatus;
  pausedReason: string;
  /** The anonymous web link's id (/s/<id>) while the link is on. */
  webLinkId: string | undefined;
  /** Branded email (server/branding): #rrggbb or empty for the standard blue, footer lines, logo id. */
  accentColor: string;
  footerText: string;
  logoId: string | undefined;
  autopilot: AutopilotSettings;
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
}

type SurveyDoc = InferSchemaType<typeof surveySchema> & {
  _id: mongoose.Types.ObjectId;
  createdAt?: Date;
  updatedAt?: Date;
};

/** A survey document as the plain object pages and email rendering use, with defaults filled in. */
export function surveyDetailOf(d: SurveyDoc): SurveyDetail {
  return {
    id: String(d._id),
    name: d.name,
    companyName: d.companyName,
    recommendQuestion: d.questions?.recommend ?? DEFAULT_QUESTIONS.recommend,
    repurchaseQuestion: d.questions?.repurchase ?? DEFAULT_QUESTIONS.repurchase,
    reasonQuestion: d.questions?.reason ?? DEFAULT_QUESTIONS.reason,
    senderName: d.senderName ?? '',
    replyTo: d.replyTo ?? '',
    emailSubject: d.emailSubject ?? '',
    emailIntro: d.emailIntro ?? '',
    language: d.language ?? 'en',
    reminderEnabled: d.reminder?.enabled ?? true,
    reminderAfterDays: d.reminder?.afterDays ?? DEFAULT_REMINDER_AFTER_DAYS,
    followUpMaxScore: d.followUpRule?.maxScore ?? DEFAULT_FOLLOW_UP_MAX_SCORE,
    followUpWouldNot: d.followUpRule?.wouldNot ?? false,
    status: d.status,
    pausedReason: d.status === 'paused' ? (d.pausedReason ?? '') : '',
    webLinkId: d.webLinkId ?? undefined,
    accentColor: d.brand?.accentColor ?? '',
    footerText: d.brand?.footerText ?? '',
    logoId: d.brand?.logoId ? String(d.brand.logoId) : undefined,
    autopilot: autopilotSettingsOf(d),
    createdAt: d.createdAt ?? undefined,
    updatedAt: d.updatedAt ?? undefined,
  };
}

/** Which status each action leads to, and from which statuses it is allowed. Closed is final. */
const TRANSITIONS: Record<StatusAction, { from: SurveyStatus[]; to: SurveyStatus }> = {
  activate: { from: ['draft'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  close: { from: ['draft', 'active', 'paused'], to: 'closed' },
};

export function createSurveysService(deps: { surveys: Models['surveys'] }) {
  const { surveys } = deps;

  function idOrNotFound(id: string): mongoose.Types.ObjectId {
    if (!mongoose.isValidObjectId(id))
      throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
    return new mongoose.Types.ObjectId(id);
  }

  return {
    /** Every survey, newest first (figures come from the results service). */
    async list(): Promise<SurveySummary[]> {
      const docs = await surveys.find({}).sort({ createdAt: -1 }).limit(500).lean();
      return docs.map((d) => ({
        id: String(d._id),
        name: d.name,
        companyName: d.companyName,
        status: d.status,
        createdAt: d.createdAt ?? undefined,
      }));
    },

    /** Every survey with all its settings, newest first (one query; for the API). */
    async listDetails(): Promise<SurveyDetail[]> {
      return (await surveys.find({}).sort({ createdAt: -1 }).limit(500).lean()).map(surveyDetailOf);
    },

    /** Creates a draft survey with the standard question wording. */
    async create(input: SurveyInput, ownerId?: string): Promise<{ id: string; name: string }> {
      const doc = await surveys.create({ ...input, questions: { ...DEFAULT_QUESTIONS }, status: 'draft', ownerId });
      return { id: String(doc._id), name: doc.name };
    },

    async get(id: string): Promise<SurveyDetail> {
      const d = await surveys.findById(idOrNotFound(id)).lean();
      if (!d) throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
      return surveyDetailOf(d);
    },

    /** Saves every setting at once. A closed survey can no longer be edited. */
    async update(id: string, input: SurveySettings): Promise<void> {
      const _id = idOrNotFound(id);
      const updated = await surveys.findOneAndUpdate(
        { _id, status: mongoose.trusted({ $ne: 'closed' }) },
        {
          $set: {
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
          },
        },
        { runValidators: true },
      );
      if (!updated) {
        if (await surveys.exists({ _id }))
          throw new ConflictError('This survey is closed and can no longer be changed.', 'SURVEY_CLOSED');
        throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
      }
    },

    /**
     * Turns the anonymous web link on (a new random id: 128 bits, so links cannot be guessed) or off.
     * Turning it off and on again gives a new address; the old one stops working.
     */
    async setWebLink(id: string, on: boolean): Promise<string | undefined> {
      const _id = idOrNotFound(id);
      const webLinkId = on ? randomBytes(16).toString('base64url') : undefined;
      const updated = await surveys
        .findOneAndUpdate({ _id }, on ? { $set: { webLinkId } } : { $unset: { webLinkId: 1 } })
        .lean();
      if (!updated)
        throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
      return webLinkId;
    },

    /**
     * Moves the survey to a new status in one atomic update whose filter names the allowed previous
     * statuses, so two managers clicking at once cannot, say, resume a survey the other just closed.
     */
    async changeStatus(id: string, action: StatusAction): Promise<SurveyStatus> {
      const _id = idOrNotFound(id);
      const { from, to } = TRANSITIONS[action];
      const update =
        to === 'active'
          ? { $set: { status: to, sendFailureStreak: 0 }, $unset: { pausedReason: 1 } }
          : { $set: { status: to } };
      const updated = await surveys
        .findOneAndUpdate({ _id, status: mongoose.trusted({ $in: from }) }, update, { returnDocument: 'after' })
        .lean();
      if (updated) return updated.status;
      const current = await surveys.findById(_id).lean();
      if (!current)
        throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
      throw new ConflictError(
        `The survey is ${current.status}, so it cannot be ${action === 'close' ? 'closed' : `${action}d`} now.`,
        'INVALID_STATUS_CHANGE',
      );
    },
  };
}

export type SurveysService = ReturnType<typeof createSurveysService>;
