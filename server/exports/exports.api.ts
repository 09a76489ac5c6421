import { z } from 'zod';

import { idParamsSchema } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { checkFilters, resultsQuerySchema } from '../results/results.schemas.js';
import { summaryQueryShape } from '../results/summary.api.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import type { ExportsService } from './exports.service.js';

export const exportQuerySchema = z
  .strictObject({ ...summaryQueryShape, bom: z.enum(['0', '1']).optional() })
  .superRefine(checkFilters);

/** /surveys/:id/responses.csv: the results page's CSV export, logged with the API key. */
export function exportsApi(deps: {
  exports: ExportsService;
  survey: (id: string) => Promise<SurveyDetail>;
}): AnyEndpoint[] {
  return [
    defineEndpoint({
      method: 'get',
      path: '/surveys/:id/responses.csv',
      summary: 'Export responses as CSV (same filters as summary; bom=1 for Excel)',
      scope: 'read',
      params: idParamsSchema,
      query: exportQuerySchema,
      handle: async ({ params, query, caller, res }) => {
        const survey = await deps.survey(params.id);
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
  ];
}
