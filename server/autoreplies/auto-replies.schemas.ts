import { z } from 'zod';

import { checkbox, wholeNumberField } from '../web/form-fields.js';

const one = (label: string) => ({
  [`${label}_enabled`]: checkbox,
  [`${label}_subject`]: z
    .string()
    .trim()
    .max(200, { error: 'Use at most 200 characters for the subject.' })
    .default(''),
  [`${label}_body`]: z.string().trim().max(5000, { error: 'Use at most 5000 characters for the message.' }).default(''),
  [`${label}_delay`]: z.preprocess(
    (v) => (v === '' || v === undefined ? '60' : v),
    wholeNumberField(0, 10_080, 'Enter a delay from 0 to 10080 minutes (a week).'),
  ),
});

/** The automatic replies form: one reply per category, and the review site promoters are invited to. */
export const autoRepliesInputSchema = z
  .object({
    ...one('promoter'),
    ...one('passive'),
    ...one('detractor'),
    reviewUrl: z
      .string()
      .trim()
      .max(2000, { error: 'That address is too long (at most 2000 characters).' })
      .refine((v) => v === '' || /^https:\/\/[^\s/]+\.[^\s]+$/.test(v), {
        error: 'Enter the review page as a full https:// address, or leave it empty.',
      })
      .default(''),
  })
  .superRefine((input, ctx) => {
    const v = input as Record<string, unknown>;
    for (const c of ['promoter', 'passive', 'detractor'])
      if (v[`${c}_enabled`] === true && !(typeof v[`${c}_body`] === 'string' && (v[`${c}_body`] as string).trim()))
        ctx.addIssue({ code: 'custom', path: [`${c}_body`], message: 'Write the message, or turn this reply off.' });
  });
