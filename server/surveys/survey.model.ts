import type mongoose from 'mongoose';
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { DEFAULT_AUTOPILOT, DEFAULT_FOLLOW_UP_MAX_SCORE, DEFAULT_REMINDER_AFTER_DAYS } from '../vocabulary/defaults.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';
import { SURVEY_TYPES } from '../vocabulary/scales.js';
import { EXTRA_QUESTION_KINDS } from './extra-questions.js';

export const SURVEY_STATUSES = ['draft', 'active', 'paused', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** One category's automatic reply to respondents (server/autoreplies). */
const autoReplySchema = new Schema(
  {
    enabled: { type: Boolean, default: false },
    subject: { type: String, maxlength: 200, default: '' },
    body: { type: String, maxlength: 5000, default: '' },
    delayMinutes: { type: Number, min: 0, max: 10_080, default: 60 },
  },
  { _id: false },
);

const localised = Object.fromEntries(SURVEY_LANGUAGES.map((l) => [l, { type: String, maxlength: 300 }]));

/** An additional question (extra-questions.ts): ids are stable, answers refer to them. */
const extraQuestionSchema = new Schema(
  {
    id: { type: String, required: true, maxlength: 8 },
    kind: { type: String, enum: EXTRA_QUESTION_KINDS, required: true },
    text: localised,
    options: {
      type: [{ _id: false, id: { type: String, required: true, maxlength: 8 }, text: localised }],
      default: [],
    },
    required: { type: Boolean, default: false },
    showIf: { type: { _id: false, from: Number, to: Number }, default: undefined },
    archived: { type: Boolean, default: false },
  },
  { _id: false },
);

export const surveySchema = new Schema(
  {
    // The first question's scale (vocabulary/scales.ts); surveys from before issue 17 were all NPS.
    type: { type: String, enum: SURVEY_TYPES, default: 'nps' },
    name: { type: String, required: true, trim: true, maxlength: 200 },
    companyName: { type: String, required: true, trim: true, maxlength: 200 },
    // Question wording; {company} is replaced by companyName when shown.
    questions: {
      recommend: { type: String, required: true, maxlength: 500 },
      repurchase: { type: String, required: true, maxlength: 500 },
      reason: { type: String, required: true, maxlength: 500 },
    },
    // The standard repurchase and reason questions can be switched off; additional questions follow them.
    askRepurchase: { type: Boolean, default: true },
    askReason: { type: Boolean, default: true },
    extraQuestions: { type: [extraQuestionSchema], default: [] },
    // Bumped by every save of extraQuestions: a save names the version it started from.
    questionsVersion: { type: Number, default: 0 },
    senderName: { type: String, trim: true, maxlength: 200, default: '' },
    replyTo: { type: String, trim: true, lowercase: true, maxlength: 254, default: '' },
    emailSubject: { type: String, trim: true, maxlength: 300, default: '' },
    emailIntro: { type: String, maxlength: 2000, default: '' },
    language: { type: String, enum: SURVEY_LANGUAGES, default: 'en' },
    reminder: {
      enabled: { type: Boolean, default: true },
      afterDays: { type: Number, min: 1, max: 30, default: DEFAULT_REMINDER_AFTER_DAYS },
    },
    // Which answers open a follow-up case: a score up to maxScore, or (if set) "would not buy again".
    followUpRule: {
      maxScore: { type: Number, min: 0, max: 10, default: DEFAULT_FOLLOW_UP_MAX_SCORE },
      wouldNot: { type: Boolean, default: false },
    },
    status: { type: String, enum: SURVEY_STATUSES, required: true, default: 'draft' },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User' },
    // Failed sends in a row; the worker pauses sending when it reaches its limit and says why here.
    sendFailureStreak: { type: Number, default: 0 },
    pausedReason: { type: String, maxlength: 1000 },
    // Invitations delivered (moved to sent) so far: the response rate's denominator. Kept by the send
    // worker, recounted by results:rebuild.
    deliveredCount: { type: Number, default: 0 },
    // The anonymous web link /s/<webLinkId>: 128 random bits, set while the link is on, unset when off.
    webLinkId: { type: String },
    // While set and in the future, one process is queueing invitations for this survey.
    queueingUntil: { type: Date },
    // Relationship NPS on a schedule (server/autopilot/README.md). Settings first, then the workers' state.
    autopilot: {
      enabled: { type: Boolean, default: false },
      everyDays: { type: Number, min: 7, max: 730, default: DEFAULT_AUTOPILOT.everyDays },
      newContactDelayDays: { type: Number, min: 0, max: 365, default: DEFAULT_AUTOPILOT.newContactDelayDays },
      // A contact property holding the signup date; empty: the day the contact was added.
      joinDateProperty: { type: String, trim: true, maxlength: 100, default: '' },
      // At most this many invitations a day (in REPORT_TIME_ZONE); unset: no cap.
      dailyCap: { type: Number, min: 1, max: 1_000_000 },
      samplePercent: { type: Number, min: 1, max: 100, default: DEFAULT_AUTOPILOT.samplePercent },
      throttleDays: { type: Number, min: 0, max: 730, default: DEFAULT_AUTOPILOT.throttleDays },
      startedAt: { type: Date },
      initialSyncDone: { type: Boolean, default: false },
      syncedAt: { type: Date },
      // While in the future, one worker is running this survey's schedule.
      leaseUntil: { type: Date },
      // Invitations autopilot queued on capDay, for the daily cap.
      capDay: { type: String },
      queuedOnCapDay: { type: Number, default: 0 },
    },
    // Automatic replies by category (server/autoreplies), and the review site promoters are invited to.
    autoReplies: {
      promoter: { type: autoReplySchema, default: () => ({}) },
      passive: { type: autoReplySchema, default: () => ({}) },
      detractor: { type: autoReplySchema, default: () => ({}) },
    },
    reviewUrl: { type: String, trim: true, maxlength: 2000, default: '' },
    // Branded email (server/branding): accent colour #rrggbb, footer (postal address), logo in brandLogos.
    brand: {
      accentColor: { type: String, maxlength: 7, default: '' },
      footerText: { type: String, maxlength: 500, default: '' },
      logoId: { type: Schema.Types.ObjectId },
    },
  },
  { timestamps: true },
);
surveySchema.index({ status: 1, createdAt: -1 });
surveySchema.index({ webLinkId: 1 }, { unique: true, sparse: true });

export type Survey = InferSchemaType<typeof surveySchema>;

export function surveyModel(connection: Connection) {
  return connection.model('Survey', surveySchema);
}
export type SurveyModel = ReturnType<typeof surveyModel>;
/** A survey as a lean read returns it. */
export type SurveyDoc = Survey & { _id: mongoose.Types.ObjectId; createdAt?: Date; updatedAt?: Date };
