import type { Request, Response } from 'express';

import { ValidationError } from '../lib/errors.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { parseInput } from '../web/validate.js';
import { RANGE_LABELS } from './results-view.js';
import { RANGE_PRESETS, resultsQuerySchema, type ResultsQuery } from './results.schemas.js';

/** What the filter form beside every results view needs. */
export interface FilterSources {
  survey: (id: string) => Promise<SurveyDetail>;
  propertyKeys: (surveyId: string) => Promise<string[]>;
  tagNames: () => Promise<string[]>;
  timeZone: string;
}

export type FilterLocals = {
  survey: SurveyDetail;
  rangeOptions: { value: string; label: string }[];
  propertyKeys: string[];
  tags: string[];
  timeZone: string;
  resultsUrl: string;
  commentsUrl: string;
};

/**
 * Parses the shared results filters, then hands over to `render`; on bad filters renders `view`
 * with the messages beside the fields (400), so the manager corrects them in place.
 */
export function withFilters(
  sources: FilterSources,
  view: string,
  render: (req: Request, res: Response, query: ResultsQuery, locals: FilterLocals) => Promise<void>,
) {
  return async (req: Request, res: Response): Promise<void> => {
    const survey = await sources.survey(req.params.id as string);
    const [propertyKeys, tags] = await Promise.all([sources.propertyKeys(survey.id), sources.tagNames()]);
    const locals: FilterLocals = {
      survey,
      rangeOptions: RANGE_PRESETS.map((value) => ({ value, label: RANGE_LABELS[value] })),
      propertyKeys,
      tags,
      timeZone: sources.timeZone,
      resultsUrl: `/surveys/${survey.id}/results`,
      commentsUrl: `/surveys/${survey.id}/results/comments`,
    };
    let query: ResultsQuery;
    try {
      query = parseInput(resultsQuerySchema, req.query, 'These filters cannot be used.');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render(view, {
        ...locals,
        title: `Results: ${survey.name}`,
        values: req.query,
        errors: err.fields,
        formError: `${err.message} Correct the filters and apply them again.`,
      });
      return;
    }
    await render(req, res, query, locals);
  };
}
