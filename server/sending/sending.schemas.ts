import { z } from 'zod';

import { DEFAULT_THROTTLE_DAYS } from '../vocabulary/defaults.js';
import { PROPERTY_VALUE_MAX, propertyNameProblem } from '../vocabulary/properties.js';
import { wholeNumberField } from '../web/form-fields.js';
import type { AudienceOptions } from './audience.js';

const propertyKey = z
  .string()
  .trim()
  .superRefine((name, ctx) => {
    const problem = name === '' ? undefined : propertyNameProblem(name);
    if (problem)
      ctx.addIssue({ code: 'custom', message: `Choose a property from the list: "${name.slice(0, 70)}" ${problem}.` });
  });
const propertyValue = z
  .string()
  .trim()
  .max(PROPERTY_VALUE_MAX, { error: `Use at most ${PROPERTY_VALUE_MAX} characters.` });

/** The send form (query string when checking, body when confirming): up to three property filters, a sample, the throttle. */
export const audienceFormSchema = z
  .object({
    filter1Key: propertyKey.default(''),
    filter1Value: propertyValue.default(''),
    filter2Key: propertyKey.default(''),
    filter2Value: propertyValue.default(''),
    filter3Key: propertyKey.default(''),
    filter3Value: propertyValue.default(''),
    sampleMode: z
      .enum(['all', 'percent', 'count'], { error: 'Choose everyone, a percentage or a number.' })
      .default('all'),
    sampleValue: z.string().trim().default(''),
    throttleDays: wholeNumberField(
      0,
      365,
      'Enter a number of days from 0 to 365.',
      'Enter a whole number of days.',
    ).default(DEFAULT_THROTTLE_DAYS),
    check: z.string().optional(),
  })
  .superRefine((form, ctx) => {
    if (form.sampleMode === 'percent') {
      const n = Number(form.sampleValue);
      if (!/^\d+(\.\d+)?$/.test(form.sampleValue) || n <= 0 || n > 100)
        ctx.addIssue({ code: 'custom', path: ['sampleValue'], message: 'Enter a percentage above 0 and at most 100.' });
    }
    if (form.sampleMode === 'count') {
      const n = Number(form.sampleValue);
      if (!/^\d+$/.test(form.sampleValue) || n < 1)
        ctx.addIssue({
          code: 'custom',
          path: ['sampleValue'],
          message: 'Enter a whole number of contacts, at least 1.',
        });
    }
    for (const i of [1, 2, 3] as const) {
      if ((form[`filter${i}Key`] === '') !== (form[`filter${i}Value`] === '')) {
        ctx.addIssue({
          code: 'custom',
          path: [`filter${i}Value`],
          message: 'Choose a property and enter a value, or leave both empty.',
        });
      }
    }
  });
export type AudienceForm = z.infer<typeof audienceFormSchema>;

export function audienceOptionsOf(form: AudienceForm): AudienceOptions {
  const filters = ([1, 2, 3] as const)
    .map((i) => ({ key: form[`filter${i}Key`], value: form[`filter${i}Value`] }))
    .filter((f) => f.key !== '' && f.value !== '');
  const sample =
    form.sampleMode === 'percent'
      ? { percent: Number(form.sampleValue) }
      : form.sampleMode === 'count'
        ? { count: Number(form.sampleValue) }
        : undefined;
  return { filters, throttleDays: form.throttleDays, ...(sample ? { sample } : {}) };
}
