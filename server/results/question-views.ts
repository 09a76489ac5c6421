/** The additional questions on the results page and the comments tab, as view models: pure. */
import { KIND_LABELS } from '../surveys/extra-questions.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { questionLabel } from './question-results.js';
import type { ResultsQuery } from './results.schemas.js';
import type { SurveyResults } from './results.service.js';
import { filtersOf, urlWith, type QueryValues } from './view-urls.js';

/** The additional questions' results as the page shows them, with links to a breakdown and to text answers. */
export function questionRowsOf(results: SurveyResults, base: string, comments: string, query: ResultsQuery) {
  const current: QueryValues = { ...filtersOf(query), interval: query.interval };
  return results.questions.map((q) => ({
    ...q,
    kindLabel: KIND_LABELS[q.kind],
    choice: q.kind === 'single' || q.kind === 'multiple',
    multiple: q.kind === 'multiple',
    isRating: q.kind === 'rating',
    isText: q.kind === 'text',
    options: q.options?.map((o) => ({
      ...o,
      intervalText: o.low === null ? '' : `${o.low.toFixed(1)}% to ${(o.high ?? 0).toFixed(1)}%`,
    })),
    meanText:
      q.rating?.mean.mean === null || q.rating?.mean.mean === undefined ? undefined : q.rating.mean.mean.toFixed(2),
    meanInterval: q.rating?.mean.interval
      ? `${q.rating.mean.interval.low.toFixed(2)} to ${q.rating.mean.interval.high.toFixed(2)}`
      : '',
    breakdownUrl:
      q.kind === 'single' || q.kind === 'multiple' ? urlWith(base, current, { segment: `$q:${q.id}` }) : undefined,
    answersUrl: q.kind === 'text' ? urlWith(comments, filtersOf(query), { question: q.id }) : undefined,
  }));
}

/** The comments tab's links to each short-text question's answers, and the one shown, if any. */
export function textQuestionsOf(survey: SurveyDetail, query: ResultsQuery, commentsUrl: string) {
  const texts = survey.extraQuestions.filter((q) => q.kind === 'text');
  const shown = texts.find((q) => q.id === query.question);
  return {
    questionLabel: shown ? questionLabel(shown, survey) : undefined,
    textQuestions: texts.map((q) => ({
      label: questionLabel(q, survey),
      url: urlWith(commentsUrl, { ...filtersOf(query), comments: query.comments }, { question: q.id }),
      current: q.id === query.question,
    })),
  };
}
