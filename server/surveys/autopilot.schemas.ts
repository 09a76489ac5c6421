import { z } from 'zod';

import { DEFAULT_AUTOPILOT } from '../vocabulary/defaults.js';
import { checkbox, wholeNumberField } from '../web/form-fields.js';

const wholeNumber = (what: string, min: number, max: number) =>
  wholeNumberField(
    min,
    max,
    `Enter ${what} from ${min} to ${max}.`,
    `Enter a whole number of ${what.replace(/^a number of /, '')}.`,
  );

/** An empty form field means "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

function throttleWithinPeriod(v: { throttleDays: number; everyDays: number }, ctx: z.RefinementCtx): void {
  if (v.throttleDays > v.everyDays) {
    ctx.addIssue({
      code: 'custom',
      path: ['throttleDays'],
      message: `The throttle (${v.throttleDays} days) is longer than the period (${v.everyDays} days), so nobody could ever be surveyed again on time. Use at most ${v.everyDays}.`,
    });
  }
}

/** The autopilot form on /surveys/:id/autopilot (and the same fields in the API). */
export const autopilotSettingsSchema = z
  .object({
    enabled: checkbox,
    everyDays: wholeNumber('a number of days', 7, 730).default(DEFAULT_AUTOPILOT.everyDays),
    newContactDelayDays: wholeNumber('a number of days', 0, 365).default(DEFAULT_AUTOPILOT.newContactDelayDays),
    joinDateProperty: z
      .string()
      .trim()
      .max(100, { error: 'Use at most 100 characters.' })
      .regex(/^[^$.]*$/, { error: 'A property name cannot contain "$" or ".".' })
      .default(''),
    dailyCap: optional(wholeNumber('a daily cap', 1, 1_000_000)),
    samplePercent: wholeNumber('a percentage', 1, 100).default(DEFAULT_AUTOPILOT.samplePercent),
    throttleDays: wholeNumber('a number of days', 0, 730).default(DEFAULT_AUTOPILOT.throttleDays),
  })
  .superRefine(throttleWithinPeriod);
export type AutopilotSettingsInput = z.infer<typeof autopilotSettingsSchema>;

/** The same settings as JSON for the API: real booleans and numbers, unknown fields refused. */
export const autopilotApiSchema = z
  .strictObject({
    enabled: z.boolean(),
    everyDays: z.number().int().min(7).max(730).default(DEFAULT_AUTOPILOT.everyDays),
    newContactDelayDays: z.number().int().min(0).max(365).default(DEFAULT_AUTOPILOT.newContactDelayDays),
    joinDateProperty: z
      .string()
      .trim()
      .max(100)
      .regex(/^[^$.]*$/, { error: 'a property name cannot contain "$" or "."' })
      .default(''),
    dailyCap: z.number().int().min(1).max(1_000_000).optional(),
    samplePercent: z.number().int().min(1).max(100).default(DEFAULT_AUTOPILOT.samplePercent),
    throttleDays: z.number().int().min(0).max(730).default(DEFAULT_AUTOPILOT.throttleDays),
  })
  .superRefine(throttleWithinPeriod);
