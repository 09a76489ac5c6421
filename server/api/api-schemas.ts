import { z } from 'zod';

/**
 * The pieces every API resource's schemas share. Objects are strict: an unknown field is an error,
 * not silently dropped. Each resource's own schemas live beside it (`<domain>.api.ts`).
 */

export const objectId = z.string().regex(/^[a-f0-9]{24}$/, { error: 'expected a 24-character hex id' });
/** Contact property names: the one rule (vocabulary/properties.ts). */
export { propertyNameSchema as propertyKey } from '../vocabulary/properties.js';
export const isoDate = z.iso.datetime({
  offset: true,
  error: 'expected an ISO 8601 date-time with offset, e.g. 2026-01-31T23:30:00Z',
});

export const idParamsSchema = z.strictObject({ id: objectId });

/** At most this many contacts or orders per bulk call. */
export const MAX_BULK = 10_000;

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), fields: z.record(z.string(), z.string()).optional() }),
});
