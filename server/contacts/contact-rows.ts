import { problemOfProperties } from '../vocabulary/properties.js';
import { contactEmailSchema, localeSchema } from './contacts.schemas.js';

/** One validated contact to create or update, keyed by its normalised email. Empty values change nothing. */
export interface ContactUpsert {
  email: string;
  /** Empty: leave the stored name as it is. */
  name: string;
  /** Empty: leave the stored locale as it is. */
  locale: string;
  /** Only non-empty values, trimmed. */
  properties: [string, string][];
}

/** The normalised email of a row, or why it cannot be used. */
export function emailOf(raw: unknown): { email: string } | { reason: string } {
  const email = contactEmailSchema.safeParse(raw);
  if (email.success) return { email: email.data };
  return { reason: `${email.error.issues[0]?.message ?? 'bad email'}: "${String(raw).slice(0, 100)}"` };
}

/**
 * The upsert for one row with a valid email, or why the rest of the row is refused. The same rules
 * for the CSV import, the API's bulk call and event triggers.
 */
export function contactUpsertOf(
  email: string,
  name: string,
  locale: string,
  rest: Record<string, string>,
): ContactUpsert | { reason: string } {
  const parsedLocale = localeSchema.safeParse(locale);
  if (!parsedLocale.success) {
    return { reason: `${parsedLocale.error.issues[0]?.message ?? 'bad locale'}: "${locale.slice(0, 40)}"` };
  }
  if (name.trim().length > 200) return { reason: 'name is longer than 200 characters' };
  const given = Object.entries(rest).filter(([, value]) => value.trim() !== '');
  const problem = problemOfProperties(given);
  if (problem) return { reason: problem };
  const properties = given.map(([key, value]): [string, string] => [key, value.trim()]);
  return { email, name: name.trim(), locale: parsedLocale.data, properties };
}
