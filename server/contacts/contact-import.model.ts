import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** One CSV import: who ran it, what happened, and the rows that were skipped (first 1,000). */
export const contactImportSchema = new Schema(
  {
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    source: { type: String, enum: ['upload', 'cli', 'api'], required: true },
    fileName: { type: String, maxlength: 300, default: '' },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    columns: { type: [String], default: [] },
    rows: { type: Number, default: 0 },
    created: { type: Number, default: 0 },
    updated: { type: Number, default: 0 },
    skipped: { type: Number, default: 0 },
    problems: {
      type: [new Schema({ line: Number, email: String, reason: String }, { _id: false })],
      default: [],
    },
    problemsTruncated: { type: Boolean, default: false },
    encoding: { type: String, enum: ['utf-8', 'windows-1252'] },
    // Set when the whole file was refused (no email column, not CSV, too large...).
    failure: { type: String, maxlength: 1000 },
  },
  { timestamps: true },
);

export type ContactImport = InferSchemaType<typeof contactImportSchema>;

export function contactImportModel(connection: Connection) {
  return connection.model('ContactImport', contactImportSchema);
}
export type ContactImportModel = ReturnType<typeof contactImportModel>;
