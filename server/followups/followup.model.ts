import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const FOLLOWUP_STATUSES = ['open', 'in_progress', 'closed'] as const;
export const FOLLOWUP_OUTCOMES = ['resolved', 'no_contact', 'churned'] as const;

const noteSchema = new Schema(
  {
    authorId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    text: { type: String, required: true, maxlength: 5000 },
    at: { type: Date, required: true },
  },
  { _id: false },
);

export const followUpSchema = new Schema(
  {
    responseId: { type: Schema.Types.ObjectId, ref: 'Response', required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    status: { type: String, enum: FOLLOWUP_STATUSES, required: true, default: 'open' },
    ownerId: { type: Schema.Types.ObjectId, ref: 'User' },
    notes: { type: [noteSchema], default: [] },
    outcome: { type: String, enum: FOLLOWUP_OUTCOMES },
    openedAt: { type: Date, required: true },
    // The score the case was opened for: the customer may change the answer later (shown beside it).
    openedScore: { type: Number, min: 0, max: 10 },
    firstActionAt: { type: Date },
    // Set when the case went out in an alert digest (see followups.service.ts sendDigests).
    alertedAt: { type: Date },
    closedAt: { type: Date },
  },
  { timestamps: true },
);
followUpSchema.index({ responseId: 1 }, { unique: true });
followUpSchema.index({ status: 1, openedAt: 1 });
followUpSchema.index({ surveyId: 1, status: 1 });
// The digest's cases not alerted yet, oldest first; the timings' cases opened since a day.
followUpSchema.index({ alertedAt: 1, openedAt: 1 });
followUpSchema.index({ openedAt: 1 });

export type FollowUp = InferSchemaType<typeof followUpSchema>;

export function followUpModel(connection: Connection) {
  return connection.model('FollowUp', followUpSchema);
}
export type FollowUpModel = ReturnType<typeof followUpModel>;
