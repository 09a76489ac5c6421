import { Schema, type InferSchemaType } from 'mongoose';

export const SKIP_REASONS = [
  'unsubscribed',
  'suppressed',
  'recently_surveyed',
  'already_invited',
  'not_sampled',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** How each reason reads on a page. */
export const SKIP_LABELS: Record<SkipReason, string> = {
  unsubscribed: 'unsubscribed',
  suppressed: 'address suppressed after a bounce',
  recently_surveyed: 'surveyed recently (throttle)',
  already_invited: 'already invited to this survey',
  not_sampled: 'not in the random sample',
};

/** A contact left out when a survey was sent, and why: answers "why was this person not surveyed?". */
export const sendSkipSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact', required: true },
    reason: { type: String, enum: SKIP_REASONS, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
sendSkipSchema.index({ contactId: 1, at: -1 });
sendSkipSchema.index({ surveyId: 1, reason: 1 });

export type SendSkip = InferSchemaType<typeof sendSkipSchema>;
