import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import type { SurveyDetail } from '../surveys/survey-detail.js';
import { REPURCHASE_ANSWERS } from '../vocabulary/answers.js';
import { pickLanguage, type Language } from '../vocabulary/languages.js';
import {
  fillCompany,
  formatDay,
  INVALID_LINK_WORDING,
  localisedQuestion,
  WORDING,
  type RespondWording,
} from '../vocabulary/wording.js';
import type { StoredAnswer } from './respond-lookup.js';
import { linkScoreSchema } from './response.schemas.js';

export type ErrorKey = keyof RespondWording['errors'];

export interface FormValues {
  score?: number | undefined;
  repurchase?: string | undefined;
  comment?: string | undefined;
}

export interface FormPage {
  status?: number;
  lang: Language;
  survey: SurveyDetail;
  action: string;
  values: FormValues;
  errors?: Partial<Record<ErrorKey, string>>;
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
  return {
    score: score.success ? score.data : undefined,
    repurchase: typeof raw.repurchase === 'string' ? raw.repurchase : undefined,
    comment: typeof raw.comment === 'string' ? raw.comment : undefined,
  };
}

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
    const question = (kind: 'recommend' | 'repurchase' | 'reason', text: string) =>
      fillCompany(localisedQuestion(kind, text, page.lang), survey.companyName);
    const errors = page.errors ?? {};
    const stored = page.stored;
    res.status(page.status ?? 200).render('respond/answer', {
      layout: 'public',
      lang: page.lang,
      company: survey.companyName,
      title: question('recommend', survey.recommendQuestion),
      t: w,
      action: page.action,
      questions: {
        recommend: question('recommend', survey.recommendQuestion),
        repurchase: question('repurchase', survey.repurchaseQuestion),
        reason: question('reason', survey.reasonQuestion),
      },
      scores: Array.from({ length: 11 }, (_, n) => ({ value: n, checked: values.score === n })),
      repurchaseOptions: REPURCHASE_ANSWERS.map((value) => ({
        value,
        label: w.repurchaseAnswers[value],
        checked: values.repurchase === value,
      })),
      comment: values.comment ?? '',
      stamp: this.deps.newStamp(),
      errors,
      formError: Object.keys(errors).length > 0 ? (errors.stamp ?? w.formError) : undefined,
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
      // Promoters are invited to leave a review, where the survey names a review site.
      reviewUrl: answer && answer.score >= 9 && page.survey.reviewUrl ? page.survey.reviewUrl : undefined,
      lockedNote: page.locked && answer ? w.lockedNote(formatDay(answer.firstSubmittedAt, page.lang)) : undefined,
      changeLink:
        page.editableUntil && page.changeUrl
          ? { url: page.changeUrl, text: w.changeLink(formatDay(page.editableUntil, page.lang)) }
          : undefined,
    });
  }
}
