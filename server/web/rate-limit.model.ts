import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** One counter per rate-limit key (e.g. "login:203.0.113.7"), shared by every app instance. */
export const rateLimitSchema = new Schema(
  {
    _id: { type: String, required: true },
    hits: { type: Number, required: true },
    resetAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// Housekeeping only on real MongoDB; correctness never depends on it (expired windows are reset on use).
rateLimitSchema.index({ resetAt: 1 }, { expireAfterSeconds: 0 });

export type RateLimitCounter = InferSchemaType<typeof rateLimitSchema>;

export function rateLimitModel(connection: Connection) {
  return connection.model('RateLimit', rateLimitSchema);
}
export type RateLimitModel = ReturnType<typeof rateLimitModel>;
