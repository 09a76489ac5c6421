import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const TRIGGER_STATES = ['received', 'scheduled', 'skipped'] as const;

/**
 * One event-trigger request, by the caller's idempotency key: a retry with the same key gets the first
 * request's outcome instead of a second invitation (server/triggers/README.md).
 */
export const triggerSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    key: { type: String, required: true, maxlength: 200 },
    // SHA-256 of the request body: the same key with a different body is refused, not silently replayed.
    requestHash: { type: String, required: true },
    state: { type: String, enum: TRIGGER_STATES, required: true },
    reason: { type: String, maxlength: 40 },
    message: { type: String, maxlength: 500 },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact' },
    invitationId: { type: Schema.Types.ObjectId, ref: 'Invitation' },
    sendAt: { type: Date },
    receivedAt: { type: Date, required: true },
    decidedAt: { type: Date },
  },
  { versionKey: false },
);
triggerSchema.index({ surveyId: 1, key: 1 }, { unique: true });
// The survey page's latest requests (newest first) and its counts since a day.
triggerSchema.index({ surveyId: 1, receivedAt: -1 });
// Erasing a deleted contact's link (TriggerClaims.eraseContact: updateMany({ contactId })).
triggerSchema.index({ contactId: 1 });

export type Trigger = InferSchemaType<typeof triggerSchema>;

export function triggerModel(connection: Connection) {
  return connection.model('Trigger', triggerSchema);
}
export type TriggerModel = ReturnType<typeof triggerModel>;
