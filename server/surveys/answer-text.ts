/**
 * Additional questions' answers in words, for people (chat messages, the export, the response page):
 * the chosen options' wording joined by "; ", the rating as "4 of 5", or the text. Pure.
 */
import type { Language } from '../vocabulary/languages.js';
import { textIn, type ExtraQuestion } from './extra-questions.js';

export interface AnswerLike {
  q: string;
  choices?: readonly string[] | null | undefined;
  rating?: number | null | undefined;
  text?: string | null | undefined;
}

export function answerText(q: ExtraQuestion, answer: AnswerLike, language: Language): string {
  if (typeof answer.rating === 'number') return `${answer.rating} of 5`;
  if (answer.choices && answer.choices.length > 0)
    return answer.choices
      .map((id) => {
        const option = q.options.find((o) => o.id === id);
        return option ? textIn(option.text, language, language) || id : id;
      })
      .join('; ');
  return answer.text ?? '';
}

/** Each answered question as [question, answer], in the survey's order. */
export function answerRows(
  questions: readonly ExtraQuestion[],
  answers: readonly AnswerLike[] | null | undefined,
  language: Language,
): [string, string][] {
  return questions.flatMap((q) => {
    const answer = answers?.find((a) => a.q === q.id);
    return answer
      ? [[textIn(q.text, language, language) || q.id, answerText(q, answer, language)] as [string, string]]
      : [];
  });
}
