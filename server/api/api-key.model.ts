import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const API_SCOPES = ['read', 'read_write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** An API key: only its SHA-256 is stored; the key itself is shown once when created. */
export const apiKeySchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 100 },
    keyHash: { type: String, required: true },
    // The first characters, to recognise a key in lists and logs without revealing it.
    prefix: { type: String, required: true },
    scope: { type: String, enum: API_SCOPES, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { versionKey: false },
);
apiKeySchema.index({ keyHash: 1 }, { unique: true });

export type ApiKey = InferSchemaType<typeof apiKeySchema>;

export function apiKeyModel(connection: Connection) {
  return connection.model('ApiKey', apiKeySchema);
}
export type ApiKeyModel = ReturnType<typeof apiKeyModel>;
