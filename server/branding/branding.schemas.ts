import { z } from 'zod';

import { HEX_COLOUR } from './colour.js';

/** The colour and footer form on /surveys/:id/branding. */
export const brandSettingsSchema = z.object({
  accentColor: z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => v === '' || HEX_COLOUR.test(v), {
      error: 'Enter a colour as # and six hex digits, e.g. #1d4ed8, or leave it empty for the standard blue.',
    })
    .default(''),
  footerText: z
    .string()
    .trim()
    .max(500, { error: 'Use at most 500 characters.' })
    .refine((v) => v.split(/\r?\n/).length <= 6, { error: 'Use at most 6 lines.' })
    .default(''),
});
export type BrandSettingsInput = z.infer<typeof brandSettingsSchema>;
