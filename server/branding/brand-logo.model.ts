import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A survey's email logo: the bytes (at most 100 KB, PNG, JPEG or GIF by content) and their size. A new
 * upload is a new document, so anything keyed by the id or hash never sees a changed image.
 */
export const brandLogoSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    data: { type: Buffer, required: true },
    contentType: { type: String, enum: ['image/png', 'image/jpeg', 'image/gif'], required: true },
    bytes: { type: Number, required: true },
    sha256: { type: String, required: true },
    width: { type: Number, required: true },
    height: { type: Number, required: true },
  },
  { timestamps: true, versionKey: false },
);
brandLogoSchema.index({ sha256: 1 });
brandLogoSchema.index({ surveyId: 1 });

export type BrandLogo = InferSchemaType<typeof brandLogoSchema>;

export function brandLogoModel(connection: Connection) {
  return connection.model('BrandLogo', brandLogoSchema);
}
export type BrandLogoModel = ReturnType<typeof brandLogoModel>;
