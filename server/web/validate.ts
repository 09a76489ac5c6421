import type { z } from 'zod';

import { ValidationError, type FieldErrors } from '../lib/errors.js';

/** Turns Zod issues into one message per field, keyed by the dotted path ("email", "reminder.afterDays"). */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '_';
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Parses input with a Zod schema or throws a ValidationError naming each bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  message = 'Some fields need attention.',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const fields = fieldErrorsOf(result.error);
    const names = Object.keys(fields).filter((k) => k !== '_');
    throw new ValidationError(
      names.length > 0 ? `${message} Check: ${names.join(', ')}.` : (fields._ ?? message),
      fields,
    );
  }
  return result.data;
}
