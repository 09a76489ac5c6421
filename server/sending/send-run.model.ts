import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A request to queue a survey for an audience. Stored by the web request (which returns at once) and
 * carried out by a send worker: pending -> running -> done | failed. A run whose worker died goes back
 * to pending; running it again is safe because contacts already invited are skipped.
 */
export const sendRunSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    requestedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    options: {
      filters: { type: [new Schema({ key: String, value: String }, { _id: false })], default: [] },
      samplePercent: { type: Number },
      sampleCount: { type: Number },
      throttleDays: { type: Number, required: true },
    },
    status: { type: String, enum: ['pending', 'running', 'done', 'failed'], required: true, default: 'pending' },
    claimedBy: { type: String },
    claimedAt: { type: Date },
    queued: { type: Number },
    skipped: { type: Number },
    error: { type: String, maxlength: 1000 },
    finishedAt: { type: Date },
  },
  { timestamps: true },
);
sendRunSchema.index({ status: 1, createdAt: 1 });
sendRunSchema.index({ surveyId: 1, createdAt: -1 });

export type SendRun = InferSchemaType<typeof sendRunSchema>;

export function sendRunModel(connection: Connection) {
  return connection.model('SendRun', sendRunSchema);
}
export type SendRunModel = ReturnType<typeof sendRunModel>;
