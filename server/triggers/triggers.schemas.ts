import { z } from 'zod';

import { DEFAULT_THROTTLE_DAYS } from '../vocabulary/defaults.js';
import { propertiesSchema } from '../vocabulary/properties.js';

/** POST /api/v1/surveys/:id/triggers: "survey this customer N days after their order". */
export const triggerCreateSchema = z.strictObject({
  idempotencyKey: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\w.:@/-]+$/, { error: 'use letters, digits and . _ : @ / - only, e.g. order-10023' })
    .describe('Your unique key for this event (an order id, say). Retries with the same key never send twice.'),
  contact: z.strictObject({
    email: z.string().max(254),
    name: z.string().max(200).optional(),
    locale: z.string().max(35).optional(),
    properties: propertiesSchema.optional(),
  }),
  properties: propertiesSchema
    .optional()
    .describe('Set on the contact too (e.g. order_id, product), and snapshotted with their answer.'),
  delayDays: z
    .number()
    .min(0)
    .max(365)
    .default(0)
    .describe('Send this many days from now (decimals allowed: 0.5 is 12 hours).'),
  throttleDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .default(DEFAULT_THROTTLE_DAYS)
    .describe('Skip the contact if any survey reached them in the last N days.'),
});
export type TriggerInput = z.infer<typeof triggerCreateSchema>;
