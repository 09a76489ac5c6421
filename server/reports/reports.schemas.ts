import { z } from 'zod';

import { filterShape } from '../results/results.schemas.js';
import { wholeNumberField } from '../web/form-fields.js';
import { FREQUENCIES } from './report-schedule.js';

const blank = (v: unknown) => (v === '' ? undefined : v);
const list = (v: unknown): unknown[] => (v === undefined || v === '' ? [] : Array.isArray(v) ? (v as unknown[]) : [v]);
const MAX_ADDRESSES = 50;

/** A new report, from the form. The filters are the results page's (results.schemas.ts). */
export const reportInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'Name the report, for example "Weekly NPS".' })
      .max(100, { error: 'Use at most 100 characters for the name.' }),
    surveyId: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[a-f0-9]{24}$/, { error: 'Choose a survey from the list.' })
        .optional(),
    ),
    frequency: z.enum(FREQUENCIES, { error: 'Choose daily, weekly or monthly.' }),
    weekday: z.preprocess(blank, wholeNumberField(1, 7, 'Choose a weekday from the list.').default(1)),
    monthDay: z.preprocess(blank, wholeNumberField(1, 31, 'Enter a day of the month from 1 to 31.').default(1)),
    sendTime: z
      .string()
      .trim()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'Enter the send time as HH:MM, for example 08:00.' }),
    prop: filterShape.prop,
    value: filterShape.value,
    channel: filterShape.channel,
    tag: z.preprocess(
      blank,
      z.string().trim().toLowerCase().max(50, { error: 'Choose a tag from the list.' }).optional(),
    ),
    followUpAgeDays: z.preprocess(blank, wholeNumberField(1, 90, 'Enter a number of days from 1 to 90.').default(3)),
    userIds: z.preprocess(
      list,
      z.array(z.string().regex(/^[a-f0-9]{24}$/, { error: 'Choose users from the list.' })).max(100),
    ),
    addresses: z.preprocess(
      (v) => (typeof v === 'string' ? v.split(/[\s,;]+/).filter(Boolean) : list(v)),
      z
        .array(z.string().trim().toLowerCase())
        .max(MAX_ADDRESSES, { error: `Enter at most ${MAX_ADDRESSES} addresses.` })
        .superRefine((addresses, ctx) => {
          const bad = addresses.find((a) => !z.email().safeParse(a).success);
          if (bad) ctx.addIssue({ code: 'custom', message: `"${bad.slice(0, 80)}" is not an email address.` });
        }),
    ),
  })
  .superRefine((v, ctx) => {
    if (v.prop && v.value === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'Enter the property value to filter by (for example Pro).',
      });
  });
export type ReportInput = z.infer<typeof reportInputSchema>;
