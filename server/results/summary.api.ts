import { z } from 'zod';

import { idParamsSchema, propertyKey } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { RESPONSE_CHANNELS } from '../vocabulary/answers.js';
import { RANGE_PRESETS, resultsQuerySchema } from './results.schemas.js';
import type { ResultsService, SurveyResults } from './results.service.js';

export const summaryQuerySchema = z.strictObject({
  range: z.enum(RANGE_PRESETS).default('90d'),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  prop: propertyKey.optional(),
  value: z.string().max(200).optional(),
  channel: z.enum(RESPONSE_CHANNELS).optional(),
});

/** The results page's figures as the API shows them. */
export function summaryJson(r: SurveyResults) {
  const f = r.summary.figures;
  return {
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
  };
}

/** /surveys/:id/summary: the NPS figures of the results page for given filters. */
export function summaryApi(deps: {
  results: ResultsService;
  surveyExists: (id: string) => Promise<unknown>;
}): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'get',
      path: '/surveys/:id/summary',
      summary: 'The NPS figures of the results page for given filters',
      scope: 'read',
      params: idParamsSchema,
      query: summaryQuerySchema,
      handle: async ({ params, query }) => {
        await deps.surveyExists(params.id);
        return { data: summaryJson(await deps.results.surveyResults(params.id, resultsQuerySchema.parse(query))) };
      },
    }),
  ];
}
