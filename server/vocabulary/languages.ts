/** Languages the survey email and the respondent's pages are written in (wording.en.ts, wording.de.ts). */
export const SURVEY_LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof SURVEY_LANGUAGES)[number];

export function isLanguage(value: string): value is Language {
  return (SURVEY_LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language for one contact: their locale's language where we have a translation ("de-CH" -> de),
 * otherwise the survey's language.
 */
export function pickLanguage(contactLocale: string | undefined, surveyLanguage: string): Language {
  const primary = (contactLocale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if (isLanguage(primary)) return primary;
  return isLanguage(surveyLanguage) ? surveyLanguage : 'en';
}
