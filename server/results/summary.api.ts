import { z } from 'zod';

import { idParamsSchema } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { checkFilters, filterShape, resultsQuerySchema } from './results.schemas.js';
import type { ResultsService, SurveyResults } from './results.service.js';

/** The results filters (results.schemas.ts) as the API takes them: the same fields and rules, strict. */
export const summaryQueryShape = filterShape;
export const summaryQuerySchema = z.strictObject(summaryQueryShape).superRefine(checkFilters);

/** The results page's figures as the API shows them. */
export function summaryJson(r: SurveyResults) {
  const f = r.summary.figures;
  const h = r.headline;
  const nps = h.type === 'nps';
  return {
    period: { from: r.period.fromDay ?? null, to: r.period.toDay ?? null },
    // The survey type's figure (issue 17): NPS, CSAT % (share 4-5), or the CES / star mean, with its
    // 95% interval; the NPS fields below are null for the other types (their bands are still counted).
    type: h.type,
    headline: {
      name: h.name,
      value: h.value,
      interval: h.interval,
      topBox: h.scale?.topBox ?? null,
      mean: h.scale ? { value: h.scale.mean.mean, interval: h.scale.mean.interval } : null,
    },
    questions: r.questions,
    n: f.n,
    promoters: f.promoters,
    passives: f.passives,
    detractors: f.detractors,
    nps: nps ? f.nps : null,
    npsRounded: nps ? f.npsRounded : null,
    // No responses: no interval (null), as the page shows none.
    interval:
      f.n === 0 || !nps
        ? null
        : { low: f.interval.low, high: f.interval.high, marginOfError: f.interval.marginOfError },
    smallSample: f.smallSample,
    flaggedExcluded: r.flagged,
    repurchase: {
      answered: r.summary.repurchase.answered,
      // Nobody answered the repurchase question: no share (null), not 0 %.
      top2Box: r.summary.repurchase.answered === 0 ? null : r.summary.repurchase.top2.share,
      answers: Object.fromEntries(r.summary.repurchase.answers.map((a) => [a.key, a.n])),
    },
    previous: r.previous
      ? {
          nps: nps ? r.previous.figures.nps : null,
          value: r.previous.headline.value,
          n: r.previous.figures.n,
          change: r.previous.change,
          // A change needs responses in both periods; without, there is nothing to test (null).
          significant: r.previous.figures.n === 0 || f.n === 0 ? null : r.previous.significant,
        }
      : null,
    // As on the page: the whole survey, all time - the date, property and channel filters do not apply.
    responseRate: { ...r.responseRate, scope: 'survey, all time; filters do not apply' },
  };
}

/** /surveys/:id/summary: the NPS figures of the results page for given filters. */
export function summaryApi(deps: { results: ResultsService }): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'get',
      path: '/surveys/:id/summary',
      summary:
        "The figures of the results page for given filters: the survey type's headline (NPS, CSAT, CES or average rating) and the additional questions' results",
      scope: 'read',
      params: idParamsSchema,
      query: summaryQuerySchema,
      handle: async ({ params, query }) => {
        // The survey and its counts in one read; 404 when there is no such survey.
        const { results } = await deps.results.surveyResults(params.id, resultsQuerySchema.parse(query));
        return { data: summaryJson(results) };
      },
    }),
  ];
}
