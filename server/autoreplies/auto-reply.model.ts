import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { NPS_CATEGORIES } from '../vocabulary/answers.js';

export const AUTO_REPLY_STATES = ['pending', 'sending', 'sent', 'cancelled', 'skipped', 'failed'] as const;

/**
 * One automatic reply to one response, for the category it had: pending until `dueAt`, then claimed
 * by one worker and sent, or skipped with the reason (unsubscribed, flagged, changed...). Unique per
 * response and category; a response gets at most one reply sent (checked before each send).
 */
export const autoReplySchema = new Schema(
  {
    responseId: { type: Schema.Types.ObjectId, ref: 'Response', required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact', required: true },
    category: { type: String, enum: NPS_CATEGORIES, required: true },
    status: { type: String, enum: AUTO_REPLY_STATES, required: true },
    dueAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
    claimedBy: { type: String },
    claimedAt: { type: Date },
    settledAt: { type: Date },
    reason: { type: String, maxlength: 500 },
    subject: { type: String, maxlength: 200 },
  },
  { versionKey: false },
);
autoReplySchema.index({ responseId: 1, category: 1 }, { unique: true });
autoReplySchema.index({ status: 1, dueAt: 1 });
autoReplySchema.index({ contactId: 1, createdAt: -1 });

export type AutoReply = InferSchemaType<typeof autoReplySchema>;

export function autoReplyModel(connection: Connection) {
  return connection.model('AutoReply', autoReplySchema);
}
export type AutoReplyModel = ReturnType<typeof autoReplyModel>;
