import { z } from 'zod';

/** Emails are stored trimmed and lower-cased: one contact per mailbox, whatever the spelling. */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

export const contactEmailSchema = z
  .string()
  .transform(normaliseEmail)
  .pipe(
    z
      .string()
      .min(1, { error: 'email is empty' })
      .max(254, { error: 'email is longer than 254 characters' })
      .pipe(z.email({ error: 'not a valid email address' })),
  );

/** BCP 47-ish: "en", "de-CH", "pt_BR". Empty means "use the survey's language". */
export const localeSchema = z
  .string()
  .trim()
  .regex(/^$|^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, { error: 'locale should look like en, de or pt-BR' })
  .transform((v) => v.replace('_', '-'));

export const contactListQuerySchema = z.object({
  q: z.string().trim().max(254, { error: 'search is longer than 254 characters' }).default(''),
  page: z.coerce
    .number({ error: 'page must be a whole number' })
    .int({ error: 'page must be a whole number' })
    .min(1)
    .max(1_000_000)
    .default(1),
});
