import mongoose from 'mongoose';
import { z } from 'zod';

import { idParamsSchema, isoDate, objectId } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { NotFoundError } from '../lib/errors.js';
import { COUNTED_REVIEW_STATES, REVIEW_STATES, type ReviewState } from '../vocabulary/answers.js';
import { responseJson } from './response-json.js';
import type { ResponseStore } from './response.store.js';
import { messages } from './responses.messages.js';

export const responsesQuerySchema = z.strictObject({
  since: isoDate.optional(),
  cursor: objectId.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  review: z
    .enum(['counted', 'all', ...REVIEW_STATES])
    .default('counted')
    .describe(
      'Which responses: `counted` (default: the ones every figure and the CSV count - not flagged, or accepted), `all`, or one review state. Each row carries its `review` state.',
    ),
});

/** The review states a `review` query asks for. */
const reviewStatesOf = (review: z.infer<typeof responsesQuerySchema>['review']): readonly ReviewState[] =>
  review === 'counted' ? COUNTED_REVIEW_STATES : review === 'all' ? REVIEW_STATES : [review];

const idOf = (id: string) => new mongoose.Types.ObjectId(id);

/** /surveys/:id/responses (cursor paging, `since`) and /responses/:id. */
export function responsesApi(deps: {
  responses: ResponseStore;
  surveyExists: (id: string) => Promise<unknown>;
}): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'get',
      path: '/surveys/:id/responses',
      summary:
        'List counted responses (or, with `review`, others), oldest first, with cursor paging; `since` gives those changed since a time',
      scope: 'read',
      params: idParamsSchema,
      query: responsesQuerySchema,
      handle: async ({ params, query }) => {
        await deps.surveyExists(params.id);
        const docs = await deps.responses.page(idOf(params.id), {
          after: query.cursor ? idOf(query.cursor) : undefined,
          since: query.since ? new Date(query.since) : undefined,
          limit: query.limit + 1,
          review: reviewStatesOf(query.review),
        });
        const page = docs.slice(0, query.limit);
        return {
          data: page.map((r) => ({ ...responseJson(r), review: r.review })),
          nextCursor: docs.length > query.limit ? String(page[page.length - 1]!._id) : null,
        };
      },
    }),
    defineEndpoint({
      method: 'get',
      path: '/responses/:id',
      summary: 'Get a response',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => {
        const doc = await deps.responses.findById(idOf(params.id));
        if (!doc) throw new NotFoundError(messages.notFound, 'RESPONSE_NOT_FOUND');
        return { data: { ...responseJson(doc), review: doc.review } };
      },
    }),
  ];
}
