import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import { textIn, type ExtraQuestion } from '../surveys/extra-questions.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { REPURCHASE_ANSWERS } from '../vocabulary/answers.js';
import { pickLanguage, type Language } from '../vocabulary/languages.js';
import { CONDITION_NOTE, firstQuestionIn, scaleWordsOf } from '../vocabulary/scale-wording.js';
import { pointsOf } from '../vocabulary/scales.js';
import {
  fillCompany,
  formatDay,
  INVALID_LINK_WORDING,
  localisedQuestion,
  WORDING,
  type RespondWording,
} from '../vocabulary/wording.js';
import { fieldOf } from './extra-answers.js';
import type { StoredAnswer } from './respond-lookup.js';
import { linkScoreSchema } from './response.schemas.js';

export type ErrorKey = keyof RespondWording['errors'];

export interface FormValues {
  score?: number | undefined;
  repurchase?: string | undefined;
  comment?: string | undefined;
  /** Additional questions' answers by question id, as option ids, a rating or a text. */
  extra?: Record<string, string[]> | undefined;
}

export interface FormPage {
  status?: number;
  lang: Language;
  survey: SurveyDetail;
  action: string;
  values: FormValues;
  errors?: Partial<Record<ErrorKey, string>>;
  /** Messages about additional questions, by question id. */
  questionErrors?: Record<string, string> | undefined;
  stored?: { answer: StoredAnswer; editableUntil: Date } | undefined;
  autosave?: boolean;
  webLink?: boolean;
}

export interface ThanksPage {
  lang: Language;
  survey: SurveyDetail;
  answer?: StoredAnswer | null;
  editableUntil?: Date | null;
  changeUrl?: string;
  locked?: boolean;
}

/** Who is asking, without keeping who they are: a hash of address and user agent, for honeypot matching. */
export function clientKeyOf(req: Request): string {
  return createHash('sha256')
    .update(`${req.ip ?? ''}\n${req.get('user-agent') ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
}

/** What the customer sent, to show again beside the messages (never trusted for anything else). */
export function typedValues(raw: Record<string, unknown>): FormValues {
  const score = linkScoreSchema.safeParse(raw.score);
  const extra: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!/^q_q[0-9]{1,3}$/.test(key)) continue;
    extra[key.slice(2)] = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  }
  return {
    score: score.success ? score.data : undefined,
    repurchase: typeof raw.repurchase === 'string' ? raw.repurchase : undefined,
    comment: typeof raw.comment === 'string' ? raw.comment : undefined,
    extra,
  };
}

/** A stored answer as the form shows it again (inside the edit window). */
export function formValuesOf(answer: StoredAnswer): FormValues {
  const extra: Record<string, string[]> = {};
  for (const a of answer.answers)
    extra[a.q] = a.choices ?? (a.rating !== undefined ? [String(a.rating)] : a.text !== undefined ? [a.text] : []);
  return { score: answer.score, repurchase: answer.repurchase, comment: answer.comment, extra };
}

/** The raw answers to the additional questions in a posted form (fields q_<id>). */
export const givenIn = (raw: Record<string, unknown>) => (questionId: string) => raw[`q_${questionId}`];

/** Localised messages for the fields Zod refused. */
export function errorsOf(issues: Record<string, string>, lang: Language): Partial<Record<ErrorKey, string>> {
  const w = WORDING[lang].page.errors;
  const out: Partial<Record<ErrorKey, string>> = {};
  for (const key of Object.keys(issues)) {
    if (key === 'score' || key === 'repurchase' || key === 'comment' || key === 'stamp') out[key] = w[key];
  }
  return out;
}

/** The respondent's pages, in the customer's language: the answer form, the thank-you page, and the dead ends. */
export class RespondPages {
  constructor(
    private readonly deps: {
      /** A fresh sealed page stamp for each form served. */
      newStamp: () => string;
      tokenLimiter: RateLimitRequestHandler;
    },
  ) {}

  /**
   * The answer for a token that does not exist (or is malformed). Only these count against the
   * client's guessing limit: working links cost no rate-limit write, and past the limit the answer is 429.
   */
  async invalid(req: Request, res: Response): Promise<void> {
    await this.deps.tokenLimiter(req, res, () => {
      res.status(404).render('respond/link-invalid', {
        layout: 'public',
        title: INVALID_LINK_WORDING.title,
        t: INVALID_LINK_WORDING,
      });
    });
  }

  gone(res: Response, kind: 'closed' | 'unsubscribed', survey: SurveyDetail, contactLocale: string): void {
    const lang = pickLanguage(contactLocale, survey.language);
    const w = WORDING[lang].page;
    const t =
      kind === 'closed'
        ? { title: w.closedTitle, body: w.closedBody }
        : { title: w.unsubscribedTitle, body: w.unsubscribedBody };
    res
      .status(410)
      .render('respond/link-invalid', { layout: 'public', lang, company: survey.companyName, title: t.title, t });
  }

  form(res: Response, page: FormPage): void {
    const w = WORDING[page.lang].page;
    const { survey, values } = page;
    const question = (kind: 'repurchase' | 'reason', text: string) =>
      fillCompany(localisedQuestion(kind, text, page.lang), survey.companyName);
    const first = fillCompany(firstQuestionIn(survey.type, survey.recommendQuestion, page.lang), survey.companyName);
    const questionErrors = page.questionErrors ?? {};
    const errors = page.errors ?? {};
    const scaleWords = scaleWordsOf(survey.type, page.lang);
    const stored = page.stored;
    res.status(page.status ?? 200).render('respond/answer', {
      layout: 'public',
      lang: page.lang,
      company: survey.companyName,
      title: first,
      t: { ...w, ...scaleWords },
      action: page.action,
      questions: {
        recommend: first,
        repurchase: survey.askRepurchase ? question('repurchase', survey.repurchaseQuestion) : undefined,
        reason: survey.askReason ? question('reason', survey.reasonQuestion) : undefined,
      },
      type: survey.type,
      stars: survey.type === 'stars',
      scores: pointsOf(survey.type).map((n) => ({ value: n, checked: values.score === n })),
      scaleLow: pointsOf(survey.type)[0],
      scaleHigh: pointsOf(survey.type).at(-1),
      extraQuestions: extraQuestionsView(survey.extraQuestions, page, questionErrors),
      conditional: survey.extraQuestions.some((q) => !q.archived && q.showIf),
      repurchaseOptions: REPURCHASE_ANSWERS.map((value) => ({
        value,
        label: w.repurchaseAnswers[value],
        checked: values.repurchase === value,
      })),
      comment: values.comment ?? '',
      stamp: this.deps.newStamp(),
      errors,
      formError:
        Object.keys(errors).length + Object.keys(questionErrors).length > 0 ? (errors.stamp ?? w.formError) : undefined,
      storedNote: stored
        ? w.storedNote(formatDay(stored.answer.firstSubmittedAt, page.lang), formatDay(stored.editableUntil, page.lang))
        : undefined,
      submitLabel: stored ? w.update : w.submit,
      autosave: page.autosave === true,
      webLink: page.webLink === true,
    });
  }

  thanks(res: Response, page: ThanksPage): void {
    const w = WORDING[page.lang].page;
    const answer = page.answer ?? undefined;
    res.render('respond/thanks', {
      layout: 'public',
      lang: page.lang,
      company: page.survey.companyName,
      title: w.thanksTitle,
      t: w,
      answer: answer && {
        score: answer.score,
        repurchase: answer.repurchase ? w.repurchaseAnswers[answer.repurchase] : undefined,
        comment: answer.comment,
      },
      // Promoters (the top band of any scale) are invited to leave a review, where the survey names a review site.
      reviewUrl: answer && answer.category === 'promoter' && page.survey.reviewUrl ? page.survey.reviewUrl : undefined,
      lockedNote: page.locked && answer ? w.lockedNote(formatDay(answer.firstSubmittedAt, page.lang)) : undefined,
      changeLink:
        page.editableUntil && page.changeUrl
          ? { url: page.changeUrl, text: w.changeLink(formatDay(page.editableUntil, page.lang)) }
          : undefined,
    });
  }
}

/**
 * The additional questions a new respondent sees (archived ones are not asked): each with its field
 * name, the values to show again, its message, and the condition in words for readers without
 * scripts (respond-questions.js hides what the chosen score does not ask).
 */
function extraQuestionsView(questions: readonly ExtraQuestion[], page: FormPage, errors: Record<string, string>) {
  const given = page.values.extra ?? {};
  return questions
    .filter((q) => !q.archived)
    .map((q) => {
      const values = given[q.id] ?? [];
      return {
        id: q.id,
        field: fieldOf(q.id),
        text: textIn(q.text, page.lang, page.survey.language),
        required: q.required,
        choice: q.kind === 'single' || q.kind === 'multiple',
        inputType: q.kind === 'multiple' ? 'checkbox' : 'radio',
        rating: q.kind === 'rating',
        isText: q.kind === 'text',
        options:
          q.kind === 'rating'
            ? [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n), checked: values.includes(String(n)) }))
            : q.options.map((o) => ({
                value: o.id,
                label: textIn(o.text, page.lang, page.survey.language),
                checked: values.includes(o.id),
              })),
        textValue: q.kind === 'text' ? (values[0] ?? '') : '',
        showFrom: q.showIf?.from,
        showTo: q.showIf?.to,
        conditionNote: q.showIf ? CONDITION_NOTE[page.lang](q.showIf.from, q.showIf.to) : undefined,
        error: errors[q.id],
      };
    });
}
