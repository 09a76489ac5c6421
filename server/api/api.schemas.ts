import { z } from 'zod';

import { autopilotApiSchema } from '../autopilot/autopilot.schemas.js';
import { RANGE_PRESETS } from '../results/results.schemas.js';
import { REPURCHASE_ANSWERS, RESPONSE_CHANNELS } from '../vocabulary/answers.js';
import { DEFAULT_THROTTLE_DAYS } from '../vocabulary/defaults.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';

/**
 * Every request the JSON API accepts. Objects are strict: an unknown field is an error, not silently
 * dropped. The OpenAPI document (openapi.ts) is generated from these same schemas.
 */

const objectId = z.string().regex(/^[a-f0-9]{24}$/, { error: 'expected a 24-character hex id' });
const propertyKey = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^$.][^.]*$/, { error: 'property names cannot contain "." or start with "$"' });
const isoDate = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time with offset, e.g. 2026-01-31T23:30:00Z',
});

export const idParamsSchema = z.strictObject({ id: objectId });

export const surveyCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  companyName: z.string().trim().min(1).max(200),
  language: z.enum(SURVEY_LANGUAGES).optional(),
  senderName: z.string().trim().max(200).optional(),
  replyTo: z.email().max(254).optional(),
  emailSubject: z.string().trim().max(300).optional(),
  emailIntro: z.string().max(2000).optional(),
});

export const surveyUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  companyName: z.string().trim().min(1).max(200).optional(),
  recommendQuestion: z.string().trim().min(1).max(500).optional(),
  repurchaseQuestion: z.string().trim().min(1).max(500).optional(),
  reasonQuestion: z.string().trim().min(1).max(500).optional(),
  language: z.enum(SURVEY_LANGUAGES).optional(),
  senderName: z.string().trim().max(200).optional(),
  replyTo: z.union([z.email().max(254), z.literal('')]).optional(),
  emailSubject: z.string().trim().max(300).optional(),
  emailIntro: z.string().max(2000).optional(),
  reminderEnabled: z.boolean().optional(),
  reminderAfterDays: z.number().int().min(1).max(30).optional(),
  followUpMaxScore: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe('Open a follow-up case for scores up to this (6: every detractor).'),
  followUpWouldNot: z
    .boolean()
    .optional()
    .describe('Also open one when the customer would (probably or definitely) not buy again.'),
  accentColor: z
    .union([
      z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'expected # and six hex digits, e.g. #1d4ed8' }),
      z.literal(''),
    ])
    .optional()
    .describe('Score button colour in the email; empty for the standard blue.'),
  footerText: z.string().max(500).optional().describe("Footer lines of the email: the sender's postal address."),
  autopilot: autopilotApiSchema
    .optional()
    .describe('Survey every contact on a schedule (see server/autopilot/README.md).'),
});

export const MAX_BULK = 10_000;

export const contactsBulkSchema = z.strictObject({
  contacts: z
    .array(
      z.strictObject({
        email: z.string().max(254),
        name: z.string().max(200).optional(),
        locale: z.string().max(35).optional(),
        properties: z.record(propertyKey, z.string().max(500)).optional(),
      }),
    )
    .min(1)
    .max(MAX_BULK, { error: `send at most ${MAX_BULK} contacts per call` }),
});

export const invitationsCreateSchema = z
  .strictObject({
    contactIds: z.array(objectId).min(1).max(MAX_BULK).optional(),
    filters: z
      .array(z.strictObject({ key: propertyKey, value: z.string().min(1).max(500) }))
      .max(3)
      .optional(),
    sample: z
      .union([
        z.strictObject({ percent: z.number().gt(0).max(100) }),
        z.strictObject({ count: z.number().int().min(1) }),
      ])
      .optional(),
    throttleDays: z.number().int().min(0).max(365).default(DEFAULT_THROTTLE_DAYS),
  })
  .refine((v) => !(v.contactIds && v.filters?.length), {
    error: 'give contactIds or filters, not both',
    path: ['filters'],
  });

export const responsesQuerySchema = z.strictObject({
  since: isoDate.optional(),
  cursor: objectId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const summaryQuerySchema = z.strictObject({
  range: z.enum(RANGE_PRESETS).default('90d'),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  prop: propertyKey.optional(),
  value: z.string().max(200).optional(),
  channel: z.enum(RESPONSE_CHANNELS).optional(),
});

export const exportQuerySchema = summaryQuerySchema.extend({ bom: z.enum(['0', '1']).optional() });

export const ordersBulkSchema = z.strictObject({
  orders: z
    .array(
      z
        .strictObject({
          contactId: objectId.optional(),
          contactEmail: z.string().max(254).optional(),
          reference: z.string().trim().min(1).max(200),
          orderedAt: isoDate,
          amount: z.number().min(0).optional(),
          currency: z
            .string()
            .regex(/^[A-Z]{3}$/, { error: 'expected a 3-letter ISO currency code such as EUR' })
            .optional(),
        })
        .refine((o) => (o.contactId === undefined) !== (o.contactEmail === undefined), {
          error: 'give contactId or contactEmail (one of them)',
          path: ['contactId'],
        }),
    )
    .min(1)
    .max(MAX_BULK, { error: `send at most ${MAX_BULK} orders per call` }),
});

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});

export { REPURCHASE_ANSWERS };
