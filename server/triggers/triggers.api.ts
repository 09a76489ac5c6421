import { idParamsSchema } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { triggerCreateSchema } from './triggers.schemas.js';
import type { TriggersService } from './triggers.service.js';

/** /surveys/:id/triggers: survey one customer after an event, idempotently. */
export function triggersApi(deps: { triggers: TriggersService }): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'post',
      path: '/surveys/:id/triggers',
      summary:
        'Survey one customer after an event ("3 days after their order"): upserts the contact and schedules one invitation, or says why it was skipped. Idempotent by idempotencyKey: a retry returns the first outcome (replayed: true); the same key with a different body is 409.',
      scope: 'read_write',
      params: idParamsSchema,
      body: triggerCreateSchema,
      handle: async ({ params, body }) => ({ data: await deps.triggers.trigger(params.id, body) }),
    }),
  ];
}
