/**
 * The respondent's answers to a survey's additional questions, checked against the survey (pure):
 * form fields `q_<id>` (repeated for multiple choice), or the API's { "<id>": value } object. An unknown
 * option, a missing required answer or an answer to a question the score does not ask -> a message per
 * question in the respondent's language, and nothing is written (the caller stores nothing).
 */
import { isShownFor, MAX_TEXT_ANSWER, textIn, type ExtraQuestion } from '../surveys/extra-questions.js';
import type { Language } from '../vocabulary/languages.js';
import { QUESTION_ERRORS, SCALE_WORDING } from '../vocabulary/scale-wording.js';
import { isPointOf, type SurveyType } from '../vocabulary/scales.js';
import { WORDING } from '../vocabulary/wording.js';

/** One stored answer (response.model.ts `answers`). */
export interface ExtraAnswer {
  q: string;
  choices?: string[] | undefined;
  rating?: number | undefined;
  text?: string | undefined;
}

export const fieldOf = (questionId: string) => `q_${questionId}`;

const valuesOf = (raw: unknown): string[] => {
  const list: unknown[] = Array.isArray(raw) ? (raw as unknown[]) : raw === undefined || raw === null ? [] : [raw];
  return list
    .map((v) => (typeof v === 'number' ? String(v) : v))
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '');
};

/** The message for a score that is not a point of the survey's scale, or undefined when it is. */
export function scoreProblem(type: SurveyType, score: number, lang: Language): string | undefined {
  if (isPointOf(type, score)) return undefined;
  return type === 'nps' ? WORDING[lang].page.errors.score : SCALE_WORDING[type][lang].scoreError;
}

/**
 * Reads the answers to the questions shown for `score` from `given` (question id -> raw value).
 * `partial` (the autosave of a clicked score) skips the required check.
 */
export function readExtraAnswers(
  questions: readonly ExtraQuestion[],
  given: (questionId: string) => unknown,
  context: { score: number; lang: Language; surveyLanguage: Language; partial?: boolean },
): { answers: ExtraAnswer[]; errors: Record<string, string> } {
  const w = QUESTION_ERRORS[context.lang];
  const answers: ExtraAnswer[] = [];
  const errors: Record<string, string> = {};
  for (const q of questions) {
    const values = valuesOf(given(q.id));
    const label = textIn(q.text, context.lang, context.surveyLanguage);
    if (!isShownFor(q, context.score)) {
      // An archived question takes no new answers either; a blank field of a hidden question is fine.
      if (values.length > 0) errors[q.id] = w.notShown(label);
      continue;
    }
    if (values.length === 0) {
      if (q.required && !context.partial) errors[q.id] = w.required(label);
      continue;
    }
    const answer = answerOf(q, values);
    if (typeof answer === 'string') errors[q.id] = w[answer](label, MAX_TEXT_ANSWER);
    else answers.push(answer);
  }
  return { answers, errors };
}

function answerOf(q: ExtraQuestion, values: string[]): ExtraAnswer | 'option' | 'one' | 'long' {
  switch (q.kind) {
    case 'text':
      if (values.length > 1) return 'one';
      return values[0]!.length > MAX_TEXT_ANSWER ? 'long' : { q: q.id, text: values[0]! };
    case 'rating': {
      if (values.length > 1) return 'one';
      const rating = Number(values[0]);
      return /^[1-5]$/.test(values[0]!) ? { q: q.id, rating } : 'option';
    }
    case 'single':
    case 'multiple': {
      if (q.kind === 'single' && values.length > 1) return 'one';
      const known = new Set(q.options.map((o) => o.id));
      if (values.some((v) => !known.has(v))) return 'option';
      // In the survey's order, each once.
      return { q: q.id, choices: q.options.map((o) => o.id).filter((id) => values.includes(id)) };
    }
  }
}
