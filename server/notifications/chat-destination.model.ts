import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { QUEUED_DELIVERY_FIELDS } from '../lib/delivery-queue.js';

export const CHAT_KINDS = ['slack', 'teams', 'googlechat'] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];
export const RULE_KINDS = ['all', 'detractors', 'maxScore', 'comment'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * A chat destination of one survey: a Slack, Teams or Google Chat incoming webhook and the rule saying
 * which answers it hears of. The webhook URL is a secret (whoever has it can post): sealed, with only
 * a masked form kept in clear for pages.
 */
export const chatDestinationSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    kind: { type: String, enum: CHAT_KINDS, required: true },
    name: { type: String, required: true, maxlength: 100 },
    urlSealed: { type: String, required: true },
    urlMasked: { type: String, required: true, maxlength: 300 },
    rule: {
      when: { type: String, enum: RULE_KINDS, required: true },
      maxScore: { type: Number, min: 0, max: 10 },
      segmentKey: { type: String },
      segmentValue: { type: String },
    },
    includeIdentity: { type: Boolean, default: false },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    createdAt: { type: Date, required: true },
    removedAt: { type: Date },
    // Health: set at the first failure of a run of failures, cleared by a success. After 24 h of
    // failures the destination is switched off (switchedOffAt, with the reason) until an admin turns it on.
    failingSince: { type: Date },
    lastError: { type: String, maxlength: 1000 },
    lastDeliveredAt: { type: Date },
    switchedOffAt: { type: Date },
    switchedOffReason: { type: String, maxlength: 1000 },
  },
  { versionKey: false },
);
chatDestinationSchema.index({ surveyId: 1, createdAt: -1 });

/**
 * One message for one destination, moved by lib/delivery-queue.ts. `key` is the response id (or
 * `test-...` for a test message): unique per destination, so an answer is posted to a destination at
 * most once however often it is saved. `message` is the rendered payload, fixed when it was queued.
 */
export const chatDeliverySchema = new Schema(
  {
    destinationId: { type: Schema.Types.ObjectId, ref: 'ChatDestination', required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    key: { type: String, required: true },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact' },
    summary: { type: String, maxlength: 200 },
    message: { type: Schema.Types.Mixed, required: true },
    ...QUEUED_DELIVERY_FIELDS,
  },
  { versionKey: false, minimize: false },
);
chatDeliverySchema.index({ destinationId: 1, key: 1 }, { unique: true });
chatDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
chatDeliverySchema.index({ destinationId: 1, createdAt: -1 });
chatDeliverySchema.index({ contactId: 1 }, { sparse: true });

export type ChatDestination = InferSchemaType<typeof chatDestinationSchema>;

export function chatDestinationModel(connection: Connection) {
  return connection.model('ChatDestination', chatDestinationSchema);
}
export type ChatDestinationModel = ReturnType<typeof chatDestinationModel>;

export function chatDeliveryModel(connection: Connection) {
  return connection.model('ChatDelivery', chatDeliverySchema);
}
export type ChatDeliveryModel = ReturnType<typeof chatDeliveryModel>;
