import { z } from 'zod';

import { RESPONSE_CHANNELS } from '../vocabulary/answers.js';

export const RANGE_PRESETS = ['30d', '90d', '12m', 'all', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const blank = (v: unknown) => (v === '' ? undefined : v);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Use a date like 2026-01-31.' })
  .refine((d) => !Number.isNaN(Date.parse(d)), { error: 'That date does not exist.' });

/**
 * The results page's filters, all in the URL so a view can be bookmarked and shared. Property keys are
 * the names the contact import stores (no dots or $), so they can go into a query path safely.
 */
export const resultsQuerySchema = z
  .object({
    range: z.preprocess(blank, z.enum(RANGE_PRESETS, { error: 'Choose a date range from the list.' }).default('90d')),
    from: z.preprocess(blank, day.optional()),
    to: z.preprocess(blank, day.optional()),
    prop: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[^.$\s][^.$]{0,63}$/, { error: 'Choose a property from the list.' })
        .optional(),
    ),
    value: z.preprocess(blank, z.string().max(200).optional()),
    channel: z.preprocess(blank, z.enum(RESPONSE_CHANNELS, { error: 'Choose a channel from the list.' }).optional()),
    tag: z.preprocess(
      blank,
      z.string().trim().toLowerCase().max(50, { error: 'Choose a tag from the list.' }).optional(),
    ),
    interval: z.preprocess(
      blank,
      z.enum(['auto', 'day', 'week', 'month', 'rolling'], { error: 'Choose how to group the trend.' }).default('auto'),
    ),
    segment: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[^.$\s][^.$]{0,63}$/, { error: 'Choose a property from the list.' })
        .optional(),
    ),
    comments: z.preprocess(
      blank,
      z.enum(['all', 'promoter', 'passive', 'detractor'], { error: 'Choose which comments to show.' }).default('all'),
    ),
    page: z.preprocess(blank, z.coerce.number().int().min(1).max(10_000).default(1)),
  })
  .superRefine((q, ctx) => {
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
  });
export type ResultsQuery = z.infer<typeof resultsQuerySchema>;
