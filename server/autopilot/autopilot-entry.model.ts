import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const HOLD_REASONS = ['throttle', 'daily_cap'] as const;

/**
 * One contact's place in one survey's autopilot schedule: when they are next due and which cycle that
 * is. Cycle k's outcome (invited, or skipped with a reason) is decided once: the invitation carries the
 * key `ap:<survey>:<contact>:<k>` under a unique index, and the entry then moves to cycle k + 1.
 */
export const autopilotEntrySchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact', required: true },
    dueAt: { type: Date, required: true },
    cycle: { type: Number, required: true, default: 0 },
    // How the first due date was chosen: spread over the first period, or the join date plus the delay.
    firstDueBasis: { type: String, enum: ['spread', 'joined'], required: true },
    joinedAt: { type: Date },
    // Set when the entry waits beyond its cycle's due date, and why.
    heldReason: { type: String, enum: HOLD_REASONS },
    lastInvitedAt: { type: Date },
    lastOutcome: { type: String, maxlength: 40 },
    lastOutcomeAt: { type: Date },
  },
  { versionKey: false },
);
autopilotEntrySchema.index({ surveyId: 1, contactId: 1 }, { unique: true });
autopilotEntrySchema.index({ surveyId: 1, dueAt: 1 });
autopilotEntrySchema.index({ contactId: 1 });

export type AutopilotEntry = InferSchemaType<typeof autopilotEntrySchema>;

export function autopilotEntryModel(connection: Connection) {
  return connection.model('AutopilotEntry', autopilotEntrySchema);
}
export type AutopilotEntryModel = ReturnType<typeof autopilotEntryModel>;
