/**
 * Everything a customer reads, in their language: the survey email, the answer and thank-you pages,
 * the unsubscribe page. One file per language (wording.en.ts, wording.de.ts), so a translator works
 * in one place; question texts written by a manager are used as written.
 */
import { DEFAULT_QUESTIONS, type QuestionKind } from './defaults.js';
import type { Language } from './languages.js';
import type { RespondentWording } from './wording-types.js';
import { DE } from './wording.de.js';
import { EN } from './wording.en.js';

export type { EmailWording, RespondentWording, RespondWording, UnsubscribeWording } from './wording-types.js';

export const WORDING: Record<Language, RespondentWording> = { en: EN, de: DE };

/** The page for a link that does not exist or no longer works: the same answer for both, before we know a language. */
export const INVALID_LINK_WORDING = {
  title: 'This link does not work',
  body: 'It may be mistyped or no longer in use. Nothing else is needed from you.',
};

/**
 * A question in the contact's language: a survey that kept a standard question gets its translation;
 * wording the survey changed is used as written (we cannot translate it).
 */
export function localisedQuestion(kind: QuestionKind, surveyText: string, language: Language): string {
  const isStandard =
    surveyText === DEFAULT_QUESTIONS[kind] || Object.values(WORDING).some((w) => w.questions[kind] === surveyText);
  return isStandard ? WORDING[language].questions[kind] : surveyText;
}

/** Puts the survey's company name where the wording says {company}. */
export function fillCompany(text: string, company: string): string {
  return text.replaceAll('{company}', company);
}

/** A date as the customer reads it, in their language (UTC; the pages show no time of day). */
export function formatDay(date: Date, language: Language): string {
  return new Intl.DateTimeFormat(WORDING[language].dateLocale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}
