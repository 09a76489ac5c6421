import type { Request, Response } from 'express';
import type { z } from 'zod';

import { ValidationError } from '../lib/errors.js';
import { fieldErrorsOf } from '../web/validate.js';
import type { ApiScope } from './api-key.model.js';
import type { ApiCaller } from './api-keys.service.js';

export type Method = 'get' | 'post' | 'patch' | 'delete';

/**
 * One API endpoint, defined beside its domain (`<domain>.api.ts`): method and path, the scope a key
 * needs, Zod schemas for params, query and body (validated together before the handler runs, and the
 * source of the OpenAPI document), and the handler. One list drives both the router and the document,
 * so the two cannot drift apart.
 */
export interface Endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Express style, relative to /api/v1: /surveys/:id */
  path: string;
  summary: string;
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  status?: number;
  /** Returns the JSON body, or undefined when it wrote the response itself (CSV, 204). */
  handle: (input: {
    params: z.infer<P>;
    query: z.infer<Q>;
    body: z.infer<B>;
    caller: ApiCaller;
    req: Request;
    res: Response;
  }) => Promise<unknown>;
}

export type AnyEndpoint = Endpoint<z.ZodType, z.ZodType, z.ZodType>;

/** An endpoint with its handler's input typed from its schemas. */
export const defineEndpoint = <
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
>(
  e: Endpoint<P, Q, B>,
) => e as unknown as AnyEndpoint;

/** Parses one part of a request with its schema, or a 400 naming every bad field. */
export function parsePart<S extends z.ZodType>(schema: S | undefined, input: unknown, where: string): z.infer<S> {
  if (!schema) return undefined as z.infer<S>;
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = fieldErrorsOf(result.error);
  const named = Object.entries(fields)
    .map(([k, m]) => `${k === '_' ? where : k}: ${m}`)
    .join('; ');
  throw new ValidationError(`Invalid ${where}: ${named}`, fields, 'VALIDATION_FAILED');
}
