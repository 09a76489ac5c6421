import { z } from 'zod';

import { RESPONSE_CHANNELS } from '../vocabulary/answers.js';
import { PROPERTY_VALUE_MAX, propertyNameInput, propertyNameProblem } from '../vocabulary/properties.js';

export const RANGE_PRESETS = ['30d', '90d', '12m', 'all', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const blank = (v: unknown) => (v === '' ? undefined : v);

/** Years a report day may have: results exist only in this century and the next (and Date has no year 0-99 trap). */
export const REPORT_YEARS = { min: 1970, max: 2199 } as const;

/** Whether YYYY-MM-DD names a day that exists (2026-02-30 does not); false for anything else. */
function realDay(d: string): boolean {
  const date = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d);
}

/** A calendar day as YYYY-MM-DD: it must exist (no 2026-02-30) and have a sane year. */
export const reportDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Use a date like 2026-01-31.' })
  .refine((d) => realDay(d), { error: 'That date does not exist.' })
  .refine((d) => Number(d.slice(0, 4)) >= REPORT_YEARS.min && Number(d.slice(0, 4)) <= REPORT_YEARS.max, {
    error: `Use a year from ${REPORT_YEARS.min} to ${REPORT_YEARS.max}.`,
  });

const propertyFilter = z.preprocess(blank, propertyNameInput('Choose a property from the list: the ').optional());

/** A breakdown: a contact property, or an additional question's answers ("$q:q1", day-counts.ts questionKey). */
const segmentFilter = z.preprocess(
  blank,
  z
    .string()
    .superRefine((name, ctx) => {
      const problem = name.startsWith('$q:')
        ? /^\$q:q[0-9]{1,3}$/.test(name)
          ? undefined
          : 'is not a question of this survey'
        : propertyNameProblem(name);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          message: `Choose a property or question from the list: "${name.slice(0, 70)}" ${problem}`,
        });
    })
    .optional(),
);

/**
 * The filters every view of a survey's answers shares - results page, comments, CSV export, API
 * summary and API export - so what one accepts the others handle.
 */
export const filterShape = {
  range: z.preprocess(blank, z.enum(RANGE_PRESETS, { error: 'Choose a date range from the list.' }).default('90d')),
  from: z.preprocess(blank, reportDay.optional()),
  to: z.preprocess(blank, reportDay.optional()),
  prop: propertyFilter,
  value: z.preprocess(blank, z.string().max(PROPERTY_VALUE_MAX).optional()),
  channel: z.preprocess(blank, z.enum(RESPONSE_CHANNELS, { error: 'Choose a channel from the list.' }).optional()),
};

/** The rules between filters: a custom range needs both ends in order; a property needs a value. */
export function checkFilters(
  q: {
    range: RangePreset;
    from?: string | undefined;
    to?: string | undefined;
    prop?: string | undefined;
    value?: string | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  if (q.range === 'custom' && (!q.from || !q.to))
    ctx.addIssue({
      code: 'custom',
      path: [q.from ? 'to' : 'from'],
      message: 'A custom range needs both a start and an end date.',
    });
  if (q.from && q.to && q.from > q.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'The end date is before the start date.' });
  if (q.prop && q.value === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['value'],
      message: 'Enter the property value to filter by (for example Pro).',
    });
}

/** The results page's filters, all in the URL so a view can be bookmarked and shared. */
export const resultsQuerySchema = z
  .object({
    ...filterShape,
    tag: z.preprocess(
      blank,
      z.string().trim().toLowerCase().max(50, { error: 'Choose a tag from the list.' }).optional(),
    ),
    interval: z.preprocess(
      blank,
      z.enum(['auto', 'day', 'week', 'month', 'rolling'], { error: 'Choose how to group the trend.' }).default('auto'),
    ),
    segment: segmentFilter,
    // The comments tab lists this question's text answers instead of the comments.
    question: z.preprocess(
      blank,
      z
        .string()
        .regex(/^q[0-9]{1,3}$/, { error: 'Choose a question from the list.' })
        .optional(),
    ),
    comments: z.preprocess(
      blank,
      z.enum(['all', 'promoter', 'passive', 'detractor'], { error: 'Choose which comments to show.' }).default('all'),
    ),
    // The comments tab's position: the last comment shown ("<submitted ms>.<id>"); none for the newest.
    before: z.preprocess(
      blank,
      z
        .string()
        .regex(/^\d{1,15}\.[a-f0-9]{24}$/, { error: 'That page of comments does not exist; start from the newest.' })
        .optional(),
    ),
  })
  .superRefine(checkFilters);
export type ResultsQuery = z.infer<typeof resultsQuerySchema>;
