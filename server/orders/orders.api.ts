import { z } from 'zod';

import { isoDate, MAX_BULK, objectId } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import type { OrderImportService } from './order-import.service.js';

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

/** /orders/bulk: create or update orders by reference, with the CSV import's rules. */
export function ordersApi(deps: { orderImports: OrderImportService }): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'post',
      path: '/orders/bulk',
      summary: 'Create or update up to 10,000 orders by reference',
      scope: 'read_write',
      body: ordersBulkSchema,
      handle: async ({ body }) => ({ data: await deps.orderImports.upsertMany(body.orders) }),
    }),
  ];
}
