/**
 * The additional questions' results (issue 17), from counts per answer value: for a choice question
 * each option's count and share of those who answered it with its Wilson 95% interval (a multiple
 * choice's shares add up to more than 100%), for a rating the mean with its t interval and the
 * distribution. Text answers are listed like comments (the comments tab, `question=`). Pure.
 */
import { textIn, type ExtraQuestion } from '../surveys/extra-questions.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { ANSWERED_VALUE, QUESTION_KEY_PREFIX, type DayCounts } from './day-counts.js';
import { meanCountsOf, meanFigures, type MeanFigures } from './means.js';
import { wilsonInterval } from './proportions.js';
import { share } from './summary.js';

/** Counts per value of each question key ("$q:q1" -> "o2" -> 14). */
export type AnswerCounts = ReadonlyMap<string, ReadonlyMap<string, number>>;

export interface QuestionResult {
  id: string;
  kind: ExtraQuestion['kind'];
  label: string;
  archived: boolean;
  /** Responses in the view that answered it. */
  answered: number;
  options?: { id: string; label: string; n: number; share: number; low: number | null; high: number | null }[];
  rating?: { mean: MeanFigures; distribution: { score: number; n: number; share: number }[] };
}

export function questionOf(survey: Pick<SurveyDetail, 'extraQuestions'>, key: string): ExtraQuestion | undefined {
  return survey.extraQuestions.find((q) => `${QUESTION_KEY_PREFIX}${q.id}` === key);
}

/** A question's wording as managers read it (the survey's language). */
export function questionLabel(q: ExtraQuestion, survey: Pick<SurveyDetail, 'language'>): string {
  return textIn(q.text, survey.language, survey.language) || q.id;
}

/** An option's wording, or its id when the option is no longer there. */
export function optionLabel(q: ExtraQuestion, value: string, survey: Pick<SurveyDetail, 'language'>): string {
  const option = q.options.find((o) => o.id === value);
  return option ? textIn(option.text, survey.language, survey.language) || value : value;
}

/** Counts per question and value from the answer totals of the days in view ("q1=o2" -> n). */
export function answerCountsOf(days: readonly Pick<DayCounts, 'answers'>[]): AnswerCounts {
  const out = new Map<string, Map<string, number>>();
  for (const day of days) {
    for (const [path, n] of Object.entries(day.answers ?? {})) {
      const at = path.indexOf('=');
      const key = `${QUESTION_KEY_PREFIX}${path.slice(0, at)}`;
      const values = out.get(key) ?? new Map<string, number>();
      values.set(path.slice(at + 1), (values.get(path.slice(at + 1)) ?? 0) + n);
      out.set(key, values);
    }
  }
  return out;
}

export function questionResults(
  survey: Pick<SurveyDetail, 'extraQuestions' | 'language'>,
  counts: AnswerCounts,
): QuestionResult[] {
  return survey.extraQuestions.map((q) => {
    const values = counts.get(`${QUESTION_KEY_PREFIX}${q.id}`) ?? new Map<string, number>();
    const base = { id: q.id, kind: q.kind, label: questionLabel(q, survey), archived: q.archived };
    if (q.kind === 'rating') {
      const rows = [1, 2, 3, 4, 5].map((score) => ({ score, n: values.get(String(score)) ?? 0 }));
      const mean = meanFigures(meanCountsOf(rows));
      return {
        ...base,
        answered: mean.n,
        rating: { mean, distribution: rows.map((r) => ({ ...r, share: share(r.n, mean.n) })) },
      };
    }
    if (q.kind === 'text') return { ...base, answered: 0 };
    const answered = values.get(ANSWERED_VALUE) ?? 0;
    const options = q.options.map((o) => {
      const n = values.get(o.id) ?? 0;
      const interval = wilsonInterval(n, answered);
      return {
        id: o.id,
        label: textIn(o.text, survey.language, survey.language) || o.id,
        n,
        share: share(n, answered),
        low: interval?.low ?? null,
        high: interval?.high ?? null,
      };
    });
    return { ...base, answered, options };
  });
}
