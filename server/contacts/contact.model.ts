import type mongoose from 'mongoose';
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const contactSchema = new Schema(
  {
    // Normalised (trimmed, lower-cased) before saving; unique, so a re-import updates instead of duplicating.
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254 },
    name: { type: String, trim: true, maxlength: 200, default: '' },
    locale: { type: String, trim: true, maxlength: 35, default: '' },
    // Any imported column: plan, region, signup date... Values are strings, for segmenting.
    properties: { type: Map, of: String, default: () => new Map<string, string>() },
    unsubscribedAt: { type: Date },
    // Set when a hard bounce or complaint makes further email pointless.
    suppressedAt: { type: Date },
    suppressedReason: { type: String, maxlength: 1000 },
    // Last time any survey was sent to this contact: the throttle reads it.
    lastSurveyedAt: { type: Date },
  },
  { timestamps: true },
);
contactSchema.index({ email: 1 }, { unique: true });
// The send page's and autopilot's filters on any contact property (properties.<name> = value).
contactSchema.index({ 'properties.$**': 1 });

export type Contact = InferSchemaType<typeof contactSchema>;

export function contactModel(connection: Connection) {
  return connection.model('Contact', contactSchema);
}
export type ContactModel = ReturnType<typeof contactModel>;
/** A contact as a lean read returns it. */
export type ContactDoc = Contact & { _id: mongoose.Types.ObjectId; createdAt?: Date; updatedAt?: Date };
