import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Every export: who, when, which survey and filters, how many rows, and whether it finished. */
export const exportLogSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    apiKeyId: { type: Schema.Types.ObjectId, ref: 'ApiKey' },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    format: { type: String, required: true, default: 'csv' },
    filters: { type: Schema.Types.Mixed, default: {} },
    rows: { type: Number, default: 0 },
    status: { type: String, enum: ['started', 'finished', 'aborted'], required: true, default: 'started' },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
  },
  { versionKey: false },
);

export type ExportLog = InferSchemaType<typeof exportLogSchema>;

export function exportLogModel(connection: Connection) {
  return connection.model('ExportLog', exportLogSchema);
}
export type ExportLogModel = ReturnType<typeof exportLogModel>;
