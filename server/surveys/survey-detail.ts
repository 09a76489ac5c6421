import { DEFAULT_FOLLOW_UP_MAX_SCORE, DEFAULT_QUESTIONS, DEFAULT_REMINDER_AFTER_DAYS } from '../vocabulary/defaults.js';
import { isSurveyType, type SurveyType } from '../vocabulary/scales.js';
import { autopilotSettingsOf, type AutopilotSettings } from './autopilot-settings.js';
import type { ExtraQuestion } from './extra-questions.js';
import type { SurveyDoc, SurveyStatus } from './survey.model.js';
import type { SurveySettings } from './surveys.schemas.js';

export interface SurveySummary {
  id: string;
  name: string;
  companyName: string;
  status: SurveyStatus;
  type: SurveyType;
  createdAt: Date | undefined;
}

/** A survey as pages, email rendering and the API see it: a plain object with every default filled in. */
export interface SurveyDetail extends SurveySettings {
  id: string;
  /** The first question's scale (vocabulary/scales.ts), chosen when the survey is created. */
  type: SurveyType;
  askRepurchase: boolean;
  askReason: boolean;
  /** The additional questions in order, archived ones included (extra-questions.ts). */
  extraQuestions: ExtraQuestion[];
  status: SurveyStatus;
  pausedReason: string;
  /** The anonymous web link's id (/s/<id>) while the link is on. */
  webLinkId: string | undefined;
  /** Branded email (server/branding): #rrggbb or empty for the standard blue, footer lines, logo id. */
  accentColor: string;
  footerText: string;
  logoId: string | undefined;
  /** A review site promoters are invited to (thank-you page, their automatic reply); empty for none. */
  reviewUrl: string;
  autopilot: AutopilotSettings;
  /** Invitations delivered so far (the response rate's denominator, kept by the send worker). */
  deliveredCount: number;
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
}

export function surveySummaryOf(d: SurveyDoc): SurveySummary {
  return {
    id: String(d._id),
    name: d.name,
    companyName: d.companyName,
    status: d.status,
    type: isSurveyType(d.type) ? d.type : 'nps',
    createdAt: d.createdAt,
  };
}

/** A survey document as the plain object pages and email rendering use, with defaults filled in. */
export function surveyDetailOf(d: SurveyDoc): SurveyDetail {
  return {
    id: String(d._id),
    name: d.name,
    companyName: d.companyName,
    type: isSurveyType(d.type) ? d.type : 'nps',
    askRepurchase: d.askRepurchase ?? true,
    askReason: d.askReason ?? true,
    extraQuestions: (d.extraQuestions ?? []).map(extraQuestionOf),
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
    reviewUrl: d.reviewUrl ?? '',
    autopilot: autopilotSettingsOf(d),
    deliveredCount: d.deliveredCount ?? 0,
    createdAt: d.createdAt ?? undefined,
    updatedAt: d.updatedAt ?? undefined,
  };
}

/** A stored question as a plain object (no Mongoose arrays or empty language keys). */
function extraQuestionOf(q: NonNullable<SurveyDoc['extraQuestions']>[number]): ExtraQuestion {
  const text = (t: Record<string, unknown> | null | undefined) =>
    Object.fromEntries(
      Object.entries(t ?? {}).filter(([, v]) => typeof v === 'string' && v !== ''),
    ) as ExtraQuestion['text'];
  return {
    id: q.id,
    kind: q.kind,
    text: text(q.text),
    options: (q.options ?? []).map((o) => ({ id: o.id, text: text(o.text) })),
    required: q.required ?? false,
    ...(q.showIf && typeof q.showIf.from === 'number' && typeof q.showIf.to === 'number'
      ? { showIf: { from: q.showIf.from, to: q.showIf.to } }
      : {}),
    archived: q.archived ?? false,
  };
}
