import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { QUEUED_DELIVERY_FIELDS } from '../lib/delivery-queue.js';

export const WEBHOOK_EVENTS = ['response.created', 'response.updated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A URL that receives a survey's response events. The signing secret is sealed (lib/seal.ts), never stored in clear. */
export const webhookSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    url: { type: String, required: true, maxlength: 2000 },
    events: { type: [String], enum: WEBHOOK_EVENTS, required: true },
    secretSealed: { type: String, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    createdAt: { type: Date, required: true },
    disabledAt: { type: Date },
  },
  { versionKey: false },
);
webhookSchema.index({ surveyId: 1 });

/**
 * One event for one webhook: pending -> delivering -> delivered | pending (retry) | failed (after 24 h).
 * Each move is one atomic update whose filter names the previous state, like invitations.
 */
export const webhookDeliverySchema = new Schema(
  {
    webhookId: { type: Schema.Types.ObjectId, ref: 'Webhook', required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    event: { type: String, enum: WEBHOOK_EVENTS, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    ...QUEUED_DELIVERY_FIELDS,
  },
  { versionKey: false, minimize: false },
);
webhookDeliverySchema.index({ status: 1, nextAttemptAt: 1 });
webhookDeliverySchema.index({ surveyId: 1, createdAt: -1 });

export type Webhook = InferSchemaType<typeof webhookSchema>;

export function webhookModel(connection: Connection) {
  return connection.model('Webhook', webhookSchema);
}
export type WebhookModel = ReturnType<typeof webhookModel>;

export function webhookDeliveryModel(connection: Connection) {
  return connection.model('WebhookDelivery', webhookDeliverySchema);
}
export type WebhookDeliveryModel = ReturnType<typeof webhookDeliveryModel>;
