import { z } from 'zod';

import { SURVEY_LANGUAGES, type Language } from '../vocabulary/languages.js';
import { checkbox } from '../web/form-fields.js';
import { EXTRA_QUESTION_KINDS, type ExtraQuestion, type ExtraQuestionInput } from './extra-questions.js';

const blank = (v: unknown) => (v === '' ? undefined : v);
const lines = (v: string | undefined) =>
  (v ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
const score = z.preprocess(
  blank,
  z.coerce.number({ error: 'Enter a whole score.' }).int({ error: 'Enter a whole score.' }).optional(),
);

/**
 * One question as the questions page posts it: wording per language, answers one per line in the
 * same order in each language, the condition as two scores. `questionFromForm` turns it into the
 * input the API takes too (extra-questions.ts extraQuestionInputSchema checks both the same way).
 */
export const questionFormSchema = z
  .object({
    kind: z.enum(EXTRA_QUESTION_KINDS, { error: 'Choose what kind of question it is.' }).default('single'),
    text_en: z.string().trim().max(300, { error: 'Use at most 300 characters.' }).default(''),
    text_de: z.string().trim().max(300, { error: 'Use at most 300 characters.' }).default(''),
    options_en: z.string().max(5000).default(''),
    options_de: z.string().max(5000).default(''),
    required: checkbox,
    showFrom: score,
    showTo: score,
  })
  .superRefine((f, ctx) => {
    if ((f.showFrom === undefined) !== (f.showTo === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [f.showFrom === undefined ? 'showFrom' : 'showTo'],
        message: 'Give both scores of the condition, or neither.',
      });
  });
export type QuestionForm = z.infer<typeof questionFormSchema>;

/** The form as the API's input; answers keep the ids of the options they replace, by position. */
export function questionFromForm(form: QuestionForm, language: Language, existing?: ExtraQuestion): ExtraQuestionInput {
  const byLanguage = Object.fromEntries(SURVEY_LANGUAGES.map((l) => [l, lines(form[`options_${l}`])])) as Record<
    Language,
    string[]
  >;
  const choice = form.kind === 'single' || form.kind === 'multiple';
  // The survey's language sets the answers; the other language's lines translate them in order.
  const options = choice
    ? byLanguage[language].map((_, i) => ({
        ...(existing?.options[i] ? { id: existing.options[i].id } : {}),
        text: Object.fromEntries(SURVEY_LANGUAGES.flatMap((l) => (byLanguage[l][i] ? [[l, byLanguage[l][i]]] : []))),
      }))
    : [];
  return {
    ...(existing ? { id: existing.id } : {}),
    kind: form.kind,
    text: { ...(form.text_en ? { en: form.text_en } : {}), ...(form.text_de ? { de: form.text_de } : {}) },
    options,
    required: form.required,
    ...(form.showFrom !== undefined && form.showTo !== undefined
      ? { showIf: { from: form.showFrom, to: form.showTo } }
      : {}),
    archived: existing?.archived ?? false,
  };
}

/** A stored question as the form shows it. */
export function formOf(q: ExtraQuestion) {
  return {
    kind: q.kind,
    text_en: q.text.en ?? '',
    text_de: q.text.de ?? '',
    options_en: q.options.map((o) => o.text.en ?? '').join('\n'),
    options_de: q.options.map((o) => o.text.de ?? '').join('\n'),
    required: q.required,
    showFrom: q.showIf?.from,
    showTo: q.showIf?.to,
  };
}

/** A stored question as an input to save again unchanged (ids kept). */
export const inputOf = (q: ExtraQuestion): ExtraQuestionInput => ({ ...q, options: q.options.map((o) => ({ ...o })) });

export const questionActionSchema = z.object({
  action: z.enum(['archive', 'restore', 'remove', 'up', 'down'], { error: 'Unknown action.' }),
});
