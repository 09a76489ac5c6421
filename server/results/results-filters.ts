import type { Request, Response } from 'express';

import { ValidationError } from '../lib/errors.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { surveyIdOf } from '../surveys/survey-id.js';
import { parseInput } from '../web/validate.js';
import { questionKey } from './day-counts.js';
import { filterSummary } from './filter-summary.js';
import { questionLabel } from './question-results.js';
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
  /** The survey's choice questions, usable as a breakdown like a property ("$q:q1"). */
  questionSegments: { value: string; label: string }[];
  tags: string[];
  timeZone: string;
  resultsUrl: string;
  commentsUrl: string;
  /** The filters in force in one line, for the collapsed form (filter-summary.ts). */
  filterSummary: string;
};

/**
 * Parses the shared results filters, then loads the survey with the view's data (`load`, one round
 * trip where it can: results-service) beside the filter choices, and hands over to `render`. On bad
 * filters it renders `view` with the messages beside the fields (400), so the manager corrects them
 * in place.
 */
export function withFilters<T>(
  sources: FilterSources,
  view: string,
  load: (surveyId: string, query: ResultsQuery) => Promise<{ survey: SurveyDetail; data: T }>,
  render: (req: Request, res: Response, query: ResultsQuery, locals: FilterLocals, data: T) => void | Promise<void>,
) {
  return async (req: Request, res: Response): Promise<void> => {
    // A malformed id is a 404 before anything is read.
    const id = String(surveyIdOf(req.params.id as string));
    // The filter choices are read beside the survey; awaited together, so a failure of either is the
    // request's error and never an unhandled rejection.
    const filterChoices = () => Promise.all([sources.propertyKeys(id), sources.tagNames()]);
    const localsOf = (
      survey: SurveyDetail,
      [propertyKeys, tags]: [string[], string[]],
      summary: string,
    ): FilterLocals => ({
      survey,
      rangeOptions: RANGE_PRESETS.map((value) => ({ value, label: RANGE_LABELS[value] })),
      propertyKeys,
      questionSegments: survey.extraQuestions
        .filter((q) => q.kind === 'single' || q.kind === 'multiple')
        .map((q) => ({ value: questionKey(q.id), label: questionLabel(q, survey) })),
      tags,
      timeZone: sources.timeZone,
      resultsUrl: `/surveys/${survey.id}/results`,
      commentsUrl: `/surveys/${survey.id}/results/comments`,
      filterSummary: summary,
    });
    let query: ResultsQuery;
    try {
      query = parseInput(resultsQuerySchema, req.query, 'These filters cannot be used.');
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      const [survey, choices] = await Promise.all([sources.survey(id), filterChoices()]);
      res.status(400).render(view, {
        ...localsOf(survey, choices, 'These filters need correcting'),
        title: `Results: ${survey.name}`,
        values: req.query,
        errors: err.fields,
        formError: `${err.message} Correct the filters and apply them again.`,
      });
      return;
    }
    const [{ survey, data }, choices] = await Promise.all([load(id, query), filterChoices()]);
    await render(req, res, query, localsOf(survey, choices, filterSummary(query)), data);
  };
}
