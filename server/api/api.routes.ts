import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import mongoose from 'mongoose';
import { z } from 'zod';

import type { AutopilotService } from '../autopilot/autopilot.service.js';
import type { Models } from '../boot/models.js';
import type { BrandingService } from '../branding/branding.service.js';
import type { ContactImportService } from '../contacts/contact-import.service.js';
import type { ContactsService } from '../contacts/contacts.service.js';
import type { ExportsService } from '../exports/exports.service.js';
import type { Clock } from '../lib/clock.js';
import { ForbiddenError, HttpError, NotFoundError, UnauthorizedError, ValidationError } from '../lib/errors.js';
import { responseJson } from '../responses/response-json.js';
import { resultsQuerySchema } from '../results/results.schemas.js';
import type { ResultsService } from '../results/results.service.js';
import type { SendQueue } from '../sending/send-queue.service.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { triggerCreateSchema } from '../triggers/triggers.schemas.js';
import type { TriggersService } from '../triggers/triggers.service.js';
import { MongoRateLimitStore } from '../web/rate-limit.js';
import { fieldErrorsOf } from '../web/validate.js';
import type { ApiScope } from './api-key.model.js';
import type { ApiCaller, ApiKeysService } from './api-keys.service.js';
import {
  contactsBulkSchema,
  errorSchema,
  exportQuerySchema,
  idParamsSchema,
  invitationsCreateSchema,
  ordersBulkSchema,
  responsesQuerySchema,
  summaryQuerySchema,
  surveyCreateSchema,
  surveyUpdateSchema,
} from './api.schemas.js';

type Method = 'get' | 'post' | 'patch' | 'delete';

interface Endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
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

// One endpoint list drives both the router and the OpenAPI document, so the two cannot drift apart.
type AnyEndpoint = Endpoint<z.ZodType, z.ZodType, z.ZodType>;
const define = <P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(
  e: Endpoint<P, Q, B>,
) => e as unknown as AnyEndpoint;

function parsePart<S extends z.ZodType>(schema: S | undefined, input: unknown, where: string): z.infer<S> {
  if (!schema) return undefined as z.infer<S>;
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = fieldErrorsOf(result.error);
  throw new ValidationError(
    `Invalid ${where}: ${Object.entries(fields)
      .map(([k, m]) => `${k === '_' ? where : k}: ${m}`)
      .join('; ')}`,
    fields,
    'VALIDATION_FAILED',
  );
}

const objectIdOf = (id: string) => new mongoose.Types.ObjectId(id);

export interface ApiDeps {
  models: Models;
  clock: Clock;
  apiKeys: ApiKeysService;
  surveys: SurveysService;
  contacts: ContactsService;
  contactImports: ContactImportService;
  sendQueue: SendQueue;
  results: ResultsService;
  exports: ExportsService;
  triggers: TriggersService;
  branding: BrandingService;
  autopilot: AutopilotService;
  perMinute: number;
}

/** The endpoints of /api/v1. */
function endpoints(deps: ApiDeps): AnyEndpoint[] {
  const { models } = deps;
  const surveyView = (s: Awaited<ReturnType<SurveysService['get']>>) => ({
    id: s.id,
    name: s.name,
    status: s.status,
    companyName: s.companyName,
    language: s.language,
    recommendQuestion: s.recommendQuestion,
    repurchaseQuestion: s.repurchaseQuestion,
    reasonQuestion: s.reasonQuestion,
    senderName: s.senderName,
    replyTo: s.replyTo,
    emailSubject: s.emailSubject,
    emailIntro: s.emailIntro,
    reminderEnabled: s.reminderEnabled,
    reminderAfterDays: s.reminderAfterDays,
    followUpMaxScore: s.followUpMaxScore,
    followUpWouldNot: s.followUpWouldNot,
    accentColor: s.accentColor,
    footerText: s.footerText,
    hasLogo: Boolean(s.logoId),
    autopilot: { ...s.autopilot, startedAt: s.autopilot.startedAt ?? null, dailyCap: s.autopilot.dailyCap ?? null },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  });
  return [
    define({
      method: 'get',
      path: '/surveys',
      summary: 'List surveys',
      scope: 'read',
      handle: async () => ({ data: (await deps.surveys.listDetails()).map(surveyView) }),
    }),
    define({
      method: 'get',
      path: '/surveys/:id',
      summary: 'Get a survey',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => ({ data: surveyView(await deps.surveys.get(params.id)) }),
    }),
    define({
      method: 'post',
      path: '/surveys',
      summary: 'Create a survey (as a draft, with the standard questions)',
      scope: 'read_write',
      body: surveyCreateSchema,
      status: 201,
      handle: async ({ body }) => {
        const created = await deps.surveys.create({ name: body.name, companyName: body.companyName });
        const current = await deps.surveys.get(created.id);
        await deps.surveys.update(created.id, { ...current, ...body, replyTo: body.replyTo ?? '' });
        return { data: surveyView(await deps.surveys.get(created.id)) };
      },
    }),
    define({
      method: 'patch',
      path: '/surveys/:id',
      summary: 'Change survey settings (only the fields given)',
      scope: 'read_write',
      params: idParamsSchema,
      body: surveyUpdateSchema,
      handle: async ({ params, body }) => {
        const current = await deps.surveys.get(params.id);
        const { autopilot, accentColor, footerText, ...settings } = body;
        // Validated as a whole above; the survey's settings first (a closed survey stops here).
        await deps.surveys.update(params.id, { ...current, ...settings });
        if (accentColor !== undefined || footerText !== undefined) {
          await deps.branding.update(params.id, {
            accentColor: (accentColor ?? current.accentColor).toLowerCase(),
            footerText: footerText ?? current.footerText,
          });
        }
        if (autopilot) await deps.autopilot.update(params.id, autopilot);
        return { data: surveyView(await deps.surveys.get(params.id)) };
      },
    }),
    define({
      method: 'post',
      path: '/contacts/bulk',
      summary: `Create or update up to 10,000 contacts by email`,
      scope: 'read_write',
      body: contactsBulkSchema,
      handle: async ({ body }) => ({ data: await deps.contactImports.upsertMany(body.contacts) }),
    }),
    define({
      method: 'get',
      path: '/contacts/:id',
      summary: 'Get a contact',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => {
        const c = await deps.contacts.get(params.id);
        return {
          data: {
            id: c.id,
            email: c.email,
            name: c.name,
            locale: c.locale,
            properties: Object.fromEntries(c.properties.map((p) => [p.key, p.value])),
            unsubscribed: c.unsubscribed,
          },
        };
      },
    }),
    define({
      method: 'delete',
      path: '/contacts/:id',
      summary: 'Delete a contact and their personal data',
      scope: 'read_write',
      params: idParamsSchema,
      handle: async ({ params, res }) => {
        await deps.contacts.remove(params.id);
        res.status(204).end();
        return undefined;
      },
    }),
    define({
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
          ...(body.contactIds ? { contactIds: body.contactIds.map(objectIdOf) } : {}),
        }),
      }),
    }),
    define({
      method: 'post',
      path: '/surveys/:id/triggers',
      summary:
        'Survey one customer after an event ("3 days after their order"): upserts the contact and schedules one invitation, or says why it was skipped. Idempotent by idempotencyKey: a retry returns the first outcome (replayed: true); the same key with a different body is 409.',
      scope: 'read_write',
      params: idParamsSchema,
      body: triggerCreateSchema,
      handle: async ({ params, body }) => ({ data: await deps.triggers.trigger(params.id, body) }),
    }),
    define({
      method: 'get',
      path: '/surveys/:id/responses',
      summary: 'List responses, oldest first, with cursor paging; `since` gives those changed since a time',
      scope: 'read',
      params: idParamsSchema,
      query: responsesQuerySchema,
      handle: async ({ params, query }) => {
        await deps.surveys.get(params.id);
        const filter: Record<string, unknown> = { surveyId: objectIdOf(params.id) };
        if (query.cursor) filter._id = mongoose.trusted({ $gt: objectIdOf(query.cursor) });
        if (query.since) filter.updatedAt = mongoose.trusted({ $gte: new Date(query.since) });
        const docs = await models.responses
          .find(filter)
          .sort({ _id: 1 })
          .limit(query.limit + 1)
          .lean();
        const page = docs.slice(0, query.limit);
        return {
          data: page.map((r) => responseJson(r)),
          nextCursor: docs.length > query.limit ? String(page[page.length - 1]!._id) : null,
        };
      },
    }),
    define({
      method: 'get',
      path: '/responses/:id',
      summary: 'Get a response',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => {
        const doc = await models.responses.findById(params.id).lean();
        if (!doc) throw new NotFoundError('That response does not exist.', 'RESPONSE_NOT_FOUND');
        return { data: { ...responseJson(doc), review: doc.review } };
      },
    }),
    define({
      method: 'get',
      path: '/surveys/:id/summary',
      summary: 'The NPS figures of the results page for given filters',
      scope: 'read',
      params: idParamsSchema,
      query: summaryQuerySchema,
      handle: async ({ params, query }) => {
        await deps.surveys.get(params.id);
        const r = await deps.results.surveyResults(params.id, resultsQuerySchema.parse(query));
        const f = r.summary.figures;
        return {
          data: {
            period: { from: r.period.fromDay ?? null, to: r.period.toDay ?? null },
            n: f.n,
            promoters: f.promoters,
            passives: f.passives,
            detractors: f.detractors,
            nps: f.nps,
            npsRounded: f.npsRounded,
            interval: { low: f.interval.low, high: f.interval.high, marginOfError: f.interval.marginOfError },
            smallSample: f.smallSample,
            flaggedExcluded: r.flagged,
            repurchase: {
              answered: r.summary.repurchase.answered,
              top2Box: r.summary.repurchase.top2.share,
              answers: Object.fromEntries(r.summary.repurchase.answers.map((a) => [a.key, a.n])),
            },
            previous: r.previous
              ? {
                  nps: r.previous.figures.nps,
                  n: r.previous.figures.n,
                  change: r.previous.change,
                  significant: r.previous.significant,
                }
              : null,
            responseRate: r.responseRate,
          },
        };
      },
    }),
    define({
      method: 'get',
      path: '/surveys/:id/responses.csv',
      summary: 'Export responses as CSV (same filters as summary; bom=1 for Excel)',
      scope: 'read',
      params: idParamsSchema,
      query: exportQuerySchema,
      handle: async ({ params, query, caller, res }) => {
        const survey = await deps.surveys.get(params.id);
        const { bom, ...filters } = query;
        const resultsQuery = resultsQuerySchema.parse(filters);
        res.set('Content-Type', 'text/csv; charset=utf-8');
        res.set('Content-Disposition', `attachment; filename="${deps.exports.fileName(survey.name, resultsQuery)}"`);
        await deps.exports.exportCsv({
          survey,
          query: resultsQuery,
          bom: bom === '1',
          userId: undefined,
          apiKeyId: caller.keyId,
          out: res,
        });
        return undefined;
      },
    }),
    define({
      method: 'post',
      path: '/orders/bulk',
      summary: 'Create or update up to 10,000 orders by reference',
      scope: 'read_write',
      body: ordersBulkSchema,
      handle: async ({ body }) => {
        const emails = [
          ...new Set(body.orders.flatMap((o) => (o.contactEmail ? [o.contactEmail.trim().toLowerCase()] : []))),
        ];
        const found =
          emails.length > 0
            ? await models.contacts
                .find({ email: mongoose.trusted({ $in: emails }) })
                .select('email')
                .lean()
            : [];
        const byEmail = new Map(found.map((c) => [c.email, c._id]));
        const problems: { index: number; reason: string }[] = [];
        const ops = body.orders.flatMap((o, index) => {
          const contactId = o.contactId ? objectIdOf(o.contactId) : byEmail.get(o.contactEmail!.trim().toLowerCase());
          if (!contactId) {
            problems.push({ index, reason: `no contact with email ${o.contactEmail}` });
            return [];
          }
          const set = {
            contactId,
            orderedAt: new Date(o.orderedAt),
            ...(o.amount !== undefined ? { amount: o.amount } : {}),
            ...(o.currency ? { currency: o.currency } : {}),
            updatedAt: deps.clock.now(),
          };
          return [
            {
              updateOne: {
                filter: { reference: o.reference },
                update: { $set: set, $setOnInsert: { createdAt: deps.clock.now() } },
                upsert: true,
              },
            },
          ];
        });
        const result =
          ops.length > 0
            ? await models.orders.collection.bulkWrite(ops, { ordered: false })
            : { upsertedCount: 0, matchedCount: 0 };
        return {
          data: { created: result.upsertedCount, updated: result.matchedCount, skipped: problems.length, problems },
        };
      },
    }),
  ];
}

/** Express path /surveys/:id -> OpenAPI path /surveys/{id} */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output' = 'input') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return rest;
};

/** The OpenAPI 3.1 document, generated from the endpoint list and its Zod schemas. */
export function openApiDocument(deps: Pick<ApiDeps, 'perMinute'> & { baseUrl: string }) {
  const list = endpoints({ perMinute: deps.perMinute } as ApiDeps);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of list) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', e.params],
      ['query', e.query],
    ] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: s,
        });
    }
    const ok = String(e.status ?? 200);
    paths[openApiPath(`/api/v1${e.path}`)] ??= {};
    paths[openApiPath(`/api/v1${e.path}`)]![e.method] = {
      summary: e.summary,
      operationId: `${e.method}${e.path.replace(/[/:.]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      security: [{ bearer: [] }],
      'x-scope': e.scope,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(e.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(e.body) } } } }
        : {}),
      responses: {
        [e.method === 'delete' ? '204' : ok]: e.path.endsWith('.csv')
          ? { description: 'CSV file', content: { 'text/csv': { schema: { type: 'string' } } } }
          : {
              description: e.method === 'delete' ? 'Deleted' : 'Success',
              ...(e.method === 'delete' ? {} : { content: { 'application/json': { schema: { type: 'object' } } } }),
            },
        '400': { $ref: '#/components/responses/Error' },
        '401': { $ref: '#/components/responses/Error' },
        '403': { $ref: '#/components/responses/Error' },
        '404': { $ref: '#/components/responses/Error' },
        '413': { $ref: '#/components/responses/Error' },
        '429': { $ref: '#/components/responses/Error' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NPS survey platform API',
      version: '1.0.0',
      description: `API keys are created by admins (Settings > API keys, or npm run apikey:create). Send them as Authorization: Bearer <key>. Read keys may only read; read_write keys may also change data. ${deps.perMinute} requests per minute per key.`,
    },
    servers: [{ url: deps.baseUrl }],
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

/**
 * /api/v1: bearer API keys (hashed, scoped), JSON bodies up to 5 MB (413 beyond), Zod-validated
 * strict input, JSON errors, a per-key rate limit shared by all instances. Mounted before sessions and
 * CSRF: no cookie is read or set here.
 */
export function apiRouter(deps: ApiDeps & { baseUrl: string }): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument(deps));
  });

  const v1 = Router();
  v1.use(async (req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const caller = match ? await deps.apiKeys.authenticate(match[1]!) : null;
    if (!caller) {
      res.set('WWW-Authenticate', 'Bearer realm="api"');
      throw new UnauthorizedError(
        match ? 'This API key is not valid or was revoked.' : 'Send an API key: Authorization: Bearer <key>.',
        'UNAUTHORIZED',
      );
    }
    res.locals.apiCaller = caller;
    next();
  });
  const limiter: RateLimitRequestHandler = rateLimit({
    windowMs: 60_000,
    limit: deps.perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals.apiCaller as ApiCaller).keyId,
    store: new MongoRateLimitStore(deps.models.rateLimits, 'api', deps.clock),
    handler: (_req, _res, next) =>
      next(
        new HttpError(
          429,
          'RATE_LIMITED',
          `More than ${deps.perMinute} requests in a minute with this key. Wait a minute, then retry.`,
        ),
      ),
  });
  v1.use(limiter);
  // Invalid UTF-8 would otherwise be decoded into replacement characters and stored: refuse it (415).
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  v1.use(
    express.json({
      limit: '5mb',
      verify: (_req, _res, buf) => {
        try {
          utf8.decode(buf);
        } catch {
          throw Object.assign(new Error('The request body is not valid UTF-8.'), {
            status: 415,
            type: 'charset.unsupported',
          });
        }
      },
    }),
  );

  for (const e of endpoints(deps)) {
    v1[e.method](e.path, async (req: Request, res: Response) => {
      const caller = res.locals.apiCaller as ApiCaller;
      if (e.scope === 'read_write' && caller.scope !== 'read_write')
        throw new ForbiddenError(
          'This API key may only read. Use a key with the read_write scope.',
          'INSUFFICIENT_SCOPE',
        );
      if (['post', 'patch'].includes(e.method) && !req.is('application/json'))
        throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON (Content-Type: application/json).');
      const params = parsePart(e.params, req.params, 'path');
      const query = parsePart(e.query, req.query, 'query');
      const body = parsePart(e.body, req.body, 'body');
      const result = await e.handle({ params, query, body, caller, req, res });
      if (result !== undefined) res.status(e.status ?? 200).json(result);
    });
  }
  v1.use((req: Request) => {
    throw new NotFoundError(
      `No API endpoint ${req.method} ${req.originalUrl.split('?')[0]}. See /api/openapi.json.`,
      'NOT_FOUND',
    );
  });
  router.use('/api/v1', v1);
  return router;
}
