import { z } from 'zod';

import { errorSchema } from './api-schemas.js';
import type { AnyEndpoint } from './endpoint.js';

/** Express path /surveys/:id -> OpenAPI path /surveys/{id} */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

const ERROR_STATUSES = ['400', '401', '403', '404', '413', '429'];

function parametersOf(e: AnyEndpoint): unknown[] {
  const parameters: unknown[] = [];
  for (const [where, schema] of [
    ['path', e.params],
    ['query', e.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    }
  }
  return parameters;
}

function operationOf(e: AnyEndpoint) {
  const parameters = parametersOf(e);
  const ok = e.method === 'delete' ? '204' : String(e.status ?? 200);
  const success = e.path.endsWith('.csv')
    ? { description: 'CSV file', content: { 'text/csv': { schema: { type: 'string' } } } }
    : {
        description: e.method === 'delete' ? 'Deleted' : 'Success',
        ...(e.method === 'delete' ? {} : { content: { 'application/json': { schema: { type: 'object' } } } }),
      };
  return {
    summary: e.summary,
    operationId: `${e.method}${e.path.replace(/[/:.]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    security: [{ bearer: [] }],
    'x-scope': e.scope,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(e.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(e.body) } } } }
      : {}),
    responses: {
      [ok]: success,
      ...Object.fromEntries(ERROR_STATUSES.map((s) => [s, { $ref: '#/components/responses/Error' }])),
    },
  };
}

/** The OpenAPI 3.1 document, generated from the endpoint list and its Zod schemas. */
export function openApiDocument(endpoints: readonly AnyEndpoint[], options: { perMinute: number; baseUrl: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of endpoints) (paths[openApiPath(`/api/v1${e.path}`)] ??= {})[e.method] = operationOf(e);
  return {
    openapi: '3.1.0',
    info: {
      title: 'NPS survey platform API',
      version: '1.0.0',
      description: `API keys are created by admins (Settings > API keys, or npm run apikey:create). Send them as Authorization: Bearer <key>. Read keys may only read; read_write keys may also change data. ${options.perMinute} requests per minute per key.`,
    },
    servers: [{ url: options.baseUrl }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
      responses: {
        Error: {
          description: 'An error, with a stable code and a message',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
    paths,
  };
}
