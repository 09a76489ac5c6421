import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { SKIP_REASONS } from './eligibility.js';

/** A contact left out when a survey was sent, and why: answers "why was this person not surveyed?". */
export const sendSkipSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact', required: true },
    reason: { type: String, enum: SKIP_REASONS, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
sendSkipSchema.index({ contactId: 1, at: -1 });
sendSkipSchema.index({ surveyId: 1, reason: 1 });

export type SendSkip = InferSchemaType<typeof sendSkipSchema>;

export function sendSkipModel(connection: Connection) {
  return connection.model('SendSkip', sendSkipSchema);
}
export type SendSkipModel = ReturnType<typeof sendSkipModel>;
