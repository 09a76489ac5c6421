import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * queued -> sending -> sent | failed | uncertain; queued -> suppressed. Each move is one atomic
 * findOneAndUpdate whose filter names the allowed previous state (see server/sending/README.md).
 */
export const INVITATION_STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed', 'uncertain'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];
export const INVITATION_SOURCES = ['send', 'autopilot', 'trigger'] as const;
export type InvitationSource = (typeof INVITATION_SOURCES)[number];

export const invitationSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    // Unset only on the tombstone a deleted contact's delivered invitation leaves (invitation.store.ts).
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact' },
    // SHA-256 of the link token, for lookup; the token itself is only in the email and, sealed with the
    // app's key (lib/seal.ts), here until the reminder has gone out.
    tokenHash: { type: String, required: true },
    tokenSealed: { type: String },
    status: { type: String, enum: INVITATION_STATUSES, required: true, default: 'queued' },
    attempts: { type: Number, required: true, default: 0 },
    lastError: { type: String, maxlength: 2000 },
    nextAttemptAt: { type: Date },
    claimedBy: { type: String },
    claimedAt: { type: Date },
    messageId: { type: String },
    queuedAt: { type: Date, required: true },
    sentAt: { type: Date },
    remindedAt: { type: Date },
    // Unset until a reminder is due and claimed: sending -> sent | failed | skipped | uncertain.
    reminderStatus: { type: String, enum: ['sending', 'sent', 'failed', 'skipped', 'uncertain'] },
    reminderAttempts: { type: Number, default: 0 },
    reminderNextAttemptAt: { type: Date },
    firstClickedAt: { type: Date },
    // Clients (hash of address and user agent, never the address) that fetched the hidden honeypot link.
    honeypotClients: { type: [String], default: undefined },
    respondedAt: { type: Date },
    // The contact's properties when the email went out (the invited side of "who answered vs who was
    // invited"); unset before it was sent, on invitations sent before it was kept, and on tombstones.
    contactSnapshot: { type: Map, of: String, default: undefined },
    // What created it: a manager's send (or the API's), the autopilot schedule, or an event trigger.
    source: { type: String, enum: INVITATION_SOURCES, default: 'send' },
    // Set by autopilot and triggers: one invitation per schedule cycle or per caller's idempotency key,
    // enforced by a unique index, so a retry or a second worker cannot create a second invitation.
    dedupeKey: { type: String },
  },
  { timestamps: true },
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ dedupeKey: 1 }, { unique: true, sparse: true });
invitationSchema.index({ status: 1, nextAttemptAt: 1 });
invitationSchema.index({ surveyId: 1, status: 1 });
invitationSchema.index({ contactId: 1, queuedAt: -1 });
invitationSchema.index({ surveyId: 1, status: 1, reminderStatus: 1, sentAt: 1 });
// A period's response rate (reports, dashboard): the surveys, then a range on the send time; with
// respondedAt the count of answered ones needs no document (a covered query on MongoDB).
invitationSchema.index({ surveyId: 1, sentAt: 1, respondedAt: 1 });
// Start-up recovery of reminders a stopped worker held: only the few being sent are in it.
invitationSchema.index(
  { reminderStatus: 1, claimedAt: 1 },
  { partialFilterExpression: { reminderStatus: 'sending' }, name: 'reminder_sending' },
);

/**
 * The claim (_id + status + attempts) and settle (_id + status + claimedBy) filters, exactly: MongoDB
 * answers them from the _id index and never gets these; mongo-java-server (the embedded database of `npm start`)
 * uses an index only when its keys equal the filter's, and otherwise scans the collection for every
 * state change. Created only on the emulator (boot/models.ts ensureIndexes).
 */
export const INVITATION_EMULATOR_INDEXES = [
  { _id: 1, status: 1, attempts: 1 },
  { _id: 1, status: 1, claimedBy: 1 },
] as const;

export type Invitation = InferSchemaType<typeof invitationSchema>;

export function invitationModel(connection: Connection) {
  return connection.model('Invitation', invitationSchema);
}
export type InvitationModel = ReturnType<typeof invitationModel>;
