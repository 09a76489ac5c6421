import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A survey's invitations by delivery status (`_id` is the survey's id): what the survey page's
 * delivery table and its progress poll read, instead of counting the invitations on every view.
 * Kept by invitation-counts.ts from the moves InvitationStore makes; rebuilt from the invitations.
 */
export const invitationCountSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    queued: { type: Number, default: 0 },
    sending: { type: Number, default: 0 },
    sent: { type: Number, default: 0 },
    failed: { type: Number, default: 0 },
    suppressed: { type: Number, default: 0 },
    uncertain: { type: Number, default: 0 },
  },
  { versionKey: false },
);

export type InvitationCount = InferSchemaType<typeof invitationCountSchema>;

export function invitationCountModel(connection: Connection) {
  return connection.model('InvitationCount', invitationCountSchema);
}
export type InvitationCountModel = ReturnType<typeof invitationCountModel>;
