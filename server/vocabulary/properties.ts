import { z } from 'zod';

/**
 * Contact properties (plan, country, ...): the one rule for their names and sizes, used by the CSV
 * import, the API, event triggers, the send page and the results filters, so whatever one accepts
 * the others handle. Names are MongoDB path segments, so they can never hold "." or start with "$".
 */
export const PROPERTY_NAME_MAX = 64;
export const PROPERTY_VALUE_MAX = 500;
/** Properties one contact may have: bounds the work of every answer (one count per segment property). */
export const PROPERTIES_PER_CONTACT_MAX = 50;

const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
// eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/** What is wrong with a property name, as the end of a sentence ("... is longer than 64 characters"), or undefined. */
export function propertyNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > PROPERTY_NAME_MAX) return `is longer than ${PROPERTY_NAME_MAX} characters`;
  if (name.trim() !== name) return 'starts or ends with a space';
  if (CONTROL.test(name)) return 'contains a control character';
  if (name.includes('.')) return 'contains "."';
  if (name.startsWith('$')) return 'starts with "$"';
  if (RESERVED_NAMES.has(name)) return 'is a reserved name';
  return undefined;
}

/** A property name as input: the rule above, the name quoted in the message after `lead`, if given. */
export function propertyNameInput(lead = '') {
  return z.string().superRefine((name, ctx) => {
    const problem = propertyNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `${lead}property name "${name.slice(0, 70)}" ${problem}` });
  });
}
export const propertyNameSchema = propertyNameInput();

/** Names compare without case ("Plan" is "plan"); the first spelling seen is the one shown. */
export const propertyKeyOf = (name: string) => name.toLowerCase();

const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * Properties exactly as sent, for inputs whose rows are checked one by one (the API's bulk upsert):
 * an object of strings, kept as is - a `__proto__` key survives to be reported, where z.record would
 * drop it silently. `problemsOfProperties` then judges each row.
 */
export const rawPropertiesSchema = z
  .custom<Record<string, string>>(isStringRecord, { error: 'expected an object whose values are strings' })
  .meta({ type: 'object', additionalProperties: { type: 'string' } });

/** Why a row's properties cannot be stored, naming the property, or undefined. */
export function problemOfProperties(entries: ReadonlyArray<readonly [string, string]>): string | undefined {
  if (entries.length > PROPERTIES_PER_CONTACT_MAX)
    return `has ${entries.length} properties; at most ${PROPERTIES_PER_CONTACT_MAX} are kept per contact`;
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    const twice = seen.get(propertyKeyOf(name));
    if (twice !== undefined) return `gives the property "${twice}" twice (as "${twice}" and "${name}")`;
    seen.set(propertyKeyOf(name), name);
    const problem = propertyNameProblem(name);
    if (problem) return `property name "${name.slice(0, 70)}" ${problem}`;
    if (value.length > PROPERTY_VALUE_MAX) return `${name} is longer than ${PROPERTY_VALUE_MAX} characters`;
  }
  return undefined;
}

/** A contact's properties as one input (an event trigger): the row rule above, as a 400 naming the property. */
export const propertiesSchema = rawPropertiesSchema.superRefine((properties, ctx) => {
  const problem = problemOfProperties(Object.entries(properties));
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
