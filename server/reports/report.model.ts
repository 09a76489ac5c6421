import { createHash } from 'node:crypto';
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { FREQUENCIES } from './report-schedule.js';

/**
 * A scheduled email report: one survey's figures (or every survey's together) for each period, to
 * users and plain addresses. Each recipient has an unsubscribe token, stored hashed.
 */
export const reportSchema = new Schema(
  {
    name: { type: String, required: true, maxlength: 100 },
    // Absent: every survey, pooled.
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey' },
    frequency: { type: String, enum: FREQUENCIES, required: true },
    weekday: { type: Number, min: 1, max: 7 },
    monthDay: { type: Number, min: 1, max: 31 },
    sendTime: { type: String, required: true, match: /^\d{2}:\d{2}$/ },
    filters: {
      prop: { type: String },
      value: { type: String },
      channel: { type: String },
      tag: { type: String },
    },
    followUpAgeDays: { type: Number, min: 1, max: 90, default: 3 },
    recipients: [
      {
        _id: false,
        email: { type: String, required: true },
        userId: { type: Schema.Types.ObjectId, ref: 'User' },
        tokenHash: { type: String, required: true },
      },
    ],
    // The tokenHash of each recipient who unsubscribed (one $addToSet: no positional update needed).
    unsubscribed: { type: [String], default: [] },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    createdAt: { type: Date, required: true },
    removedAt: { type: Date },
  },
  { versionKey: false },
);
reportSchema.index({ 'recipients.tokenHash': 1 });

export const RECIPIENT_STATES = ['sending', 'sent', 'failed', 'uncertain'] as const;

/**
 * One period's report (`day` is the day it goes out): unique per report and day, so however many
 * workers look, one claims it. Each recipient is marked before and after its email; a run taken
 * over from a worker that died marks a recipient still "sending" as uncertain and does not mail it
 * again (a duplicate report is not worth the risk, as for survey email).
 */
export const reportRunSchema = new Schema(
  {
    reportId: { type: Schema.Types.ObjectId, ref: 'Report', required: true },
    day: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: String, required: true },
    status: { type: String, enum: ['sending', 'sent'], required: true },
    claimedBy: { type: String },
    claimedAt: { type: Date },
    // By recipient key (recipientKey()): one field per address, so marking one is a plain $set whose
    // filter says the field is absent (or in the state it moves from) - no positional array update.
    recipients: {
      type: Map,
      of: new Schema(
        {
          email: { type: String, required: true },
          state: { type: String, enum: RECIPIENT_STATES, required: true },
          at: { type: Date, required: true },
          error: { type: String, maxlength: 500 },
        },
        { _id: false },
      ),
      default: () => new Map(),
    },
    sentAt: { type: Date },
  },
  { versionKey: false },
);
reportRunSchema.index({ reportId: 1, day: 1 }, { unique: true });
reportRunSchema.index({ status: 1, claimedAt: 1 });

export type Report = InferSchemaType<typeof reportSchema>;

/** A run's field name for a recipient: a hash of the address (addresses have dots, field names may not). */
export const recipientKey = (email: string) => createHash('sha256').update(email).digest('hex').slice(0, 24);

export function reportModel(connection: Connection) {
  return connection.model('Report', reportSchema);
}
export type ReportModel = ReturnType<typeof reportModel>;

export function reportRunModel(connection: Connection) {
  return connection.model('ReportRun', reportRunSchema);
}
export type ReportRunModel = ReturnType<typeof reportRunModel>;
