import mongoose from 'mongoose';
import { z } from 'zod';

import { idParamsSchema, MAX_BULK, objectId, propertyKey } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { DEFAULT_THROTTLE_DAYS } from '../vocabulary/defaults.js';
import type { SendQueue } from './send-queue.service.js';

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

/** /surveys/:id/invitations: queue a survey for given contacts or a property filter, with the send page's rules. */
export function invitationsApi(deps: { sendQueue: SendQueue }): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'post',
      path: '/surveys/:id/invitations',
      summary: 'Queue a survey for given contacts or a property filter (same throttle rules as the send page)',
      scope: 'read_write',
      params: idParamsSchema,
      body: invitationsCreateSchema,
      status: 202,
      handle: async ({ params, body }) => ({
        data: await deps.sendQueue.queue(params.id, {
          filters: body.filters ?? [],
          throttleDays: body.throttleDays,
          ...(body.sample ? { sample: body.sample } : {}),
          ...(body.contactIds ? { contactIds: body.contactIds.map((id) => new mongoose.Types.ObjectId(id)) } : {}),
        }),
      }),
    }),
  ];
}
