import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Delivered invitations of a survey per value of one contact property, as the contact's properties
 * were when the email went out ("plan" = "Pro": 812): the invited side of "who answered vs who was
 * invited", so the segmented results page reads counts, not every invitation. `_id` is
 * "surveyId|key|value". Kept by delivered-values.store.ts, rebuilt from the invitations.
 */
export const deliveredValueSchema = new Schema(
  {
    _id: { type: String, required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    key: { type: String, required: true },
    value: { type: String, required: true },
    n: { type: Number, default: 0 },
  },
  { versionKey: false },
);
deliveredValueSchema.index({ surveyId: 1, key: 1 });

export type DeliveredValue = InferSchemaType<typeof deliveredValueSchema>;

export function deliveredValueModel(connection: Connection) {
  return connection.model('DeliveredValue', deliveredValueSchema);
}
export type DeliveredValueModel = ReturnType<typeof deliveredValueModel>;
