/**
 * A survey's additional questions (issue 17): up to five after the first one - single choice, multiple
 * choice, a 1-5 rating or a short text - each optional or required, worded per survey language, and
 * optionally asked only for some scores ("only if the score is 0-6"). The rules here are pure: the
 * input schema (API and the questions page share it) and what may change once a question has answers.
 */
import { z } from 'zod';

import { SURVEY_LANGUAGES, type Language } from '../vocabulary/languages.js';
import { SCALES, type SurveyType } from '../vocabulary/scales.js';

export const EXTRA_QUESTION_KINDS = ['single', 'multiple', 'rating', 'text'] as const;
export type ExtraQuestionKind = (typeof EXTRA_QUESTION_KINDS)[number];
export const KIND_LABELS: Record<ExtraQuestionKind, string> = {
  single: 'Single choice',
  multiple: 'Multiple choice',
  rating: 'Rating 1-5',
  text: 'Short text',
};

/** Questions shown to new respondents (archived ones do not count). */
export const MAX_EXTRA_QUESTIONS = 5;
/** Questions kept, archived included: archived questions stay in results and the export. */
export const MAX_STORED_QUESTIONS = 20;
export const MAX_OPTIONS = 10;
export const MAX_TEXT_ANSWER = 500;
export const RATING_POINTS = [1, 2, 3, 4, 5] as const;

export type Localised = Partial<Record<Language, string>>;

export interface ExtraQuestion {
  id: string;
  kind: ExtraQuestionKind;
  text: Localised;
  options: { id: string; text: Localised }[];
  required: boolean;
  /** Asked only when the first question's score is within from..to. */
  showIf?: { from: number; to: number } | undefined;
  /** Hidden from new respondents, kept in results and the export. */
  archived: boolean;
}

const localisedSchema = z
  .object(
    Object.fromEntries(
      SURVEY_LANGUAGES.map((l) => [l, z.string().trim().max(300, { error: 'Use at most 300 characters.' }).optional()]),
    ) as Record<Language, z.ZodOptional<z.ZodString>>,
  )
  .strict();

export const extraQuestionInputSchema = z
  .object({
    id: z
      .string()
      .regex(/^q[0-9]{1,3}$/, { error: 'id is a question id such as "q1"; leave it out for a new question' })
      .optional(),
    kind: z.enum(EXTRA_QUESTION_KINDS, { error: `kind must be one of: ${EXTRA_QUESTION_KINDS.join(', ')}` }),
    text: localisedSchema,
    options: z
      .array(
        z.object({
          id: z
            .string()
            .regex(/^o[0-9]{1,3}$/, { error: 'an option id is such as "o1"; leave it out for a new option' })
            .optional(),
          text: localisedSchema,
        }),
      )
      .max(MAX_OPTIONS, { error: `A question has at most ${MAX_OPTIONS} answers to choose from.` })
      .default([]),
    required: z.boolean().default(false),
    showIf: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
    archived: z.boolean().default(false),
  })
  .superRefine((q, ctx) => {
    const choice = q.kind === 'single' || q.kind === 'multiple';
    if (choice && q.options.length < 2)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'A choice question needs at least 2 answers.' });
    if (!choice && q.options.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'Only choice questions have answers to choose from.',
      });
    if (q.showIf && q.showIf.from > q.showIf.to)
      ctx.addIssue({
        code: 'custom',
        path: ['showIf'],
        message: 'The lowest score of the condition is above its highest.',
      });
  });
export type ExtraQuestionInput = z.infer<typeof extraQuestionInputSchema>;

export const extraQuestionsInputSchema = z.array(extraQuestionInputSchema).max(MAX_STORED_QUESTIONS, {
  error: `A survey keeps at most ${MAX_STORED_QUESTIONS} additional questions, archived ones included.`,
});

/** A question's wording in a language, falling back to the survey's language and then any. */
export function textIn(text: Localised, lang: Language, surveyLanguage: Language): string {
  return text[lang] || text[surveyLanguage] || Object.values(text).find(Boolean) || '';
}

/** Whether a question is asked for a score. */
export function isShownFor(q: Pick<ExtraQuestion, 'showIf' | 'archived'>, score: number | undefined): boolean {
  if (q.archived) return false;
  if (!q.showIf) return true;
  return score !== undefined && score >= q.showIf.from && score <= q.showIf.to;
}

const nextId = (prefix: string, taken: readonly string[]) =>
  `${prefix}${1 + Math.max(0, ...taken.map((id) => Number(id.slice(1)) || 0))}`;

/**
 * The questions as stored from an input list: ids kept where given, new ones numbered after the
 * highest, or a problem naming the question (a wording missing in the survey's language, a condition
 * off the scale, more than five shown, an unknown id).
 */
export function questionsFromInput(
  input: readonly ExtraQuestionInput[],
  context: {
    type: SurveyType;
    language: Language;
    existing: readonly ExtraQuestion[];
    /** A new survey: ids in the input are taken as given (a copy of another survey's questions). */
    idsGiven?: boolean;
  },
): { questions: ExtraQuestion[] } | { problem: string } {
  const { min, max } = SCALES[context.type];
  const known = new Map(context.existing.map((q) => [q.id, q]));
  const taken = [...known.keys()];
  const out: ExtraQuestion[] = [];
  for (const [i, q] of input.entries()) {
    const name = `Question ${i + 1}`;
    if (q.id && !known.has(q.id) && !context.idsGiven)
      return { problem: `${name}: there is no question ${q.id} in this survey.` };
    if (!q.text[context.language]) return { problem: `${name}: enter its wording in ${context.language}.` };
    if (q.showIf && (q.showIf.from < min || q.showIf.to > max))
      return { problem: `${name}: the condition must lie within the survey's scale, ${min} to ${max}.` };
    const id = q.id ?? nextId('q', taken);
    taken.push(id);
    const oldOptions = known.get(id)?.options ?? [];
    const optionIds = oldOptions.map((o) => o.id);
    const options = q.options.map((o) => {
      if (o.id && context.idsGiven && !optionIds.includes(o.id)) optionIds.push(o.id);
      else if (o.id && !optionIds.includes(o.id)) return { id: '', text: o.text };
      const optionId = o.id ?? nextId('o', optionIds);
      optionIds.push(optionId);
      return { id: optionId, text: o.text };
    });
    if (options.some((o) => o.id === '')) return { problem: `${name}: one of its answers has an unknown id.` };
    if (options.some((o) => !o.text[context.language]))
      return { problem: `${name}: enter every answer's wording in ${context.language}.` };
    out.push({
      id,
      kind: q.kind,
      text: q.text,
      options,
      required: q.required,
      ...(q.showIf ? { showIf: q.showIf } : {}),
      archived: q.archived,
    });
  }
  if (new Set(out.map((q) => q.id)).size !== out.length) return { problem: 'The same question id is given twice.' };
  if (out.some((q) => new Set(q.options.map((o) => o.id)).size !== q.options.length))
    return { problem: 'The same answer id is given twice in one question.' };
  const shown = out.filter((q) => !q.archived).length;
  if (shown > MAX_EXTRA_QUESTIONS)
    return { problem: `A survey asks at most ${MAX_EXTRA_QUESTIONS} additional questions; archive one first.` };
  return { questions: out };
}

const sameOptions = (a: ExtraQuestion['options'], b: ExtraQuestion['options']) =>
  a.length === b.length &&
  a.every((o, i) => o.id === b[i]!.id && SURVEY_LANGUAGES.every((l) => (o.text[l] ?? '') === (b[i]!.text[l] ?? '')));

/**
 * What a change to a live survey's questions may not do: remove a question that has answers, change
 * its kind, or change its answers to choose from (the stored answers would then mean something else).
 * Archiving is the way out. Adding questions, rewording and the condition are always allowed.
 */
export function questionEditProblem(
  before: readonly ExtraQuestion[],
  after: readonly ExtraQuestion[],
  answered: ReadonlySet<string>,
): string | undefined {
  for (const old of before) {
    if (!answered.has(old.id)) continue;
    const label = old.text.en || Object.values(old.text).find(Boolean) || old.id;
    const now = after.find((q) => q.id === old.id);
    if (!now)
      return `“${label}” has answers, so it cannot be removed: archive it instead (it stays in results and the export).`;
    if (now.kind !== old.kind)
      return `“${label}” has answers, so its kind cannot change: archive it and add a new question.`;
    if (!sameOptions(old.options, now.options))
      return `“${label}” has answers, so its answers to choose from cannot change: archive it and add a new question.`;
  }
  return undefined;
}
