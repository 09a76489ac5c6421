import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** The managed list of response tags: every tag ever used, to offer and to clean up. */
export const tagSchema = new Schema(
  { name: { type: String, required: true, maxlength: 50 }, createdAt: { type: Date, required: true } },
  { versionKey: false },
);
tagSchema.index({ name: 1 }, { unique: true });

export type Tag = InferSchemaType<typeof tagSchema>;

export function tagModel(connection: Connection) {
  return connection.model('Tag', tagSchema);
}
export type TagModel = ReturnType<typeof tagModel>;
