import { z } from 'zod';

import { REPURCHASE_ANSWERS } from '../vocabulary/answers.js';

export const MAX_COMMENT_LENGTH = 5000;

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value);

/**
 * The respondent's form. Field names are the keys of the localised error messages
 * (respond.i18n.ts `errors`), so a failed field maps straight to wording in the customer's language.
 */
export const answerInputSchema = z.object({
  score: z
    .string()
    .regex(/^(10|[0-9])$/)
    .transform(Number),
  repurchase: z.preprocess(blankToUndefined, z.enum(REPURCHASE_ANSWERS).optional()),
  // Stored exactly as typed (no trimming): it is the customer's text. Always shown escaped.
  comment: z.string().max(MAX_COMMENT_LENGTH).default(''),
  // The sealed page stamp (render time and one-time key) from the form the customer loaded.
  stamp: z.string().min(1).max(400),
  // Sent by public/js/respond.js after a human signal: save the preselected score only.
  autosave: z.literal('1').optional(),
  // Honeypot field on web-link pages: invisible to people, filled in by form-filling bots.
  website: z.string().max(2000).optional(),
});
export type AnswerInput = z.infer<typeof answerInputSchema>;

/** The score in a link path: a digit 0-10, anything else is shown as "choose a score". */
export const linkScoreSchema = z
  .string()
  .regex(/^(10|[0-9])$/)
  .transform(Number);

export const reviewDecisionSchema = z.object({
  decision: z.enum(['accept', 'discard'], { error: 'decision must be accept or discard' }),
});
