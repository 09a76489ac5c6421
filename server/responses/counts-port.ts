import type mongoose from 'mongoose';

import type { RepurchaseAnswer } from '../vocabulary/answers.js';

/** What the day counts need to know about a response, before or after a write (results/aggregates.ts). */
export interface CountedState {
  surveyId: mongoose.Types.ObjectId;
  submittedAt: Date;
  channel: string;
  score: number;
  repurchase?: RepurchaseAnswer | null | undefined;
  review: string;
  /** The contact's properties when they answered (a Map from Mongoose documents, an object from lean reads). */
  contactSnapshot?: Map<string, string> | Record<string, string> | null | undefined;
  /** Answers to the survey's additional questions (choices and ratings are counted per value). */
  answers?:
    | readonly { q: string; choices?: readonly string[] | null | undefined; rating?: number | null | undefined }[]
    | null
    | undefined;
}

/**
 * The day counts, as the responses domain sees them: told the state before and after every write
 * that changes what a response counts as. Implemented by results/aggregates.ts, wired in boot/.
 */
export interface CountsPort {
  applyChange(before: CountedState | null, after: CountedState | null): Promise<void>;
  /**
   * Part of deleting a contact: drops the per-value counts of these property values that no longer
   * count anything, so a value only that person had (a city, a company) is not left behind.
   */
  forgetEmptyValues(surveyId: mongoose.Types.ObjectId, values: ReadonlyArray<readonly [string, string]>): Promise<void>;
}
