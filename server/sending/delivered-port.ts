import type mongoose from 'mongoose';

/** A message the mail server accepted, to settle: with the contact's properties at the time. */
export interface SentMessage {
  id: mongoose.Types.ObjectId;
  surveyId: mongoose.Types.ObjectId;
  messageId: string;
  at: Date;
  properties: Record<string, string>;
}

/** Delivered invitations of one survey, with the property values their contacts had when sent. */
export interface DeliveredBatch {
  surveyId: mongoose.Types.ObjectId;
  properties: ReadonlyArray<Record<string, string>>;
}

/**
 * The per-property-value delivered counts, as the sending domain sees them: told what the send worker
 * settled as sent, and what a contact's deletion anonymised. Implemented by
 * results/delivered-values.store.ts, wired in boot/.
 */
export interface DeliveredValuesPort {
  recordDelivered(batches: readonly DeliveredBatch[]): Promise<void>;
  forgetDelivered(batches: readonly DeliveredBatch[]): Promise<void>;
}
