import type { Response } from 'express';

import { ValidationError } from '../lib/errors.js';

const SECRET_FIELD = /password|secret|token|_csrf/i;

/** What the user typed, minus passwords and tokens, to put back into a form that is shown again. */
export function typedValues(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null) return {};
  return Object.fromEntries(Object.entries(body).filter(([key]) => !SECRET_FIELD.test(key)));
}

/**
 * Shows the form again with status 400, the user's input and a message beside each bad field.
 * Anything other than a ValidationError is rethrown for the error handler.
 */
export function renderInvalid(res: Response, view: string, err: unknown, locals: Record<string, unknown>): void {
  if (!(err instanceof ValidationError)) throw err;
  const count = Object.keys(err.fields).length;
  // The API names fields in its message; people get a pointer to the messages beside the fields.
  const formError =
    count === 0
      ? err.message
      : count === 1
        ? 'Please correct the field marked below.'
        : `Please correct the ${count} fields marked below.`;
  res.status(400).render(view, { ...locals, errors: err.fields, formError });
}
