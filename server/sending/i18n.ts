import { DEFAULT_QUESTIONS, SURVEY_LANGUAGES } from '../surveys/survey.model.js';

export type Language = (typeof SURVEY_LANGUAGES)[number];

/** The fixed wording of the survey email, per language. Question texts come from the survey. */
export interface EmailWording {
  lowLabel: string;
  highLabel: string;
  instruction: string;
  reminderNote: string;
  reminderSubjectPrefix: string;
  footerReason: (company: string) => string;
  unsubscribe: string;
  textScoreLine: (score: number) => string;
}

export const EMAIL_WORDING: Record<Language, EmailWording> = {
  en: {
    lowLabel: 'Not at all likely',
    highLabel: 'Extremely likely',
    instruction: 'Click a number to answer. It takes a second.',
    reminderNote: 'A quick reminder: we would still love your answer.',
    reminderSubjectPrefix: 'Reminder: ',
    footerReason: (company) => `You received this email because you are a customer of ${company}.`,
    unsubscribe: 'Unsubscribe from these surveys',
    textScoreLine: (score) => `${score}: `,
  },
  de: {
    lowLabel: 'Äußerst unwahrscheinlich',
    highLabel: 'Äußerst wahrscheinlich',
    instruction: 'Klicken Sie auf eine Zahl, um zu antworten. Das dauert nur eine Sekunde.',
    reminderNote: 'Eine kurze Erinnerung: Ihre Antwort ist uns weiterhin wichtig.',
    reminderSubjectPrefix: 'Erinnerung: ',
    footerReason: (company) => `Sie erhalten diese E-Mail, weil Sie Kunde von ${company} sind.`,
    unsubscribe: 'Diese Umfragen abbestellen',
    textScoreLine: (score) => `${score}: `,
  },
};

/**
 * The language for one contact: their locale's language where we have a translation ("de-CH" -> de),
 * otherwise the survey's language.
 */
export function pickLanguage(contactLocale: string | undefined, surveyLanguage: string): Language {
  const primary = (contactLocale ?? '').toLowerCase().split(/[-_]/)[0] ?? '';
  if ((SURVEY_LANGUAGES as readonly string[]).includes(primary)) return primary as Language;
  return (SURVEY_LANGUAGES as readonly string[]).includes(surveyLanguage) ? (surveyLanguage as Language) : 'en';
}

/** The standard questions in each language. */
export const DEFAULT_QUESTION_TRANSLATIONS: Record<Language, Record<keyof typeof DEFAULT_QUESTIONS, string>> = {
  en: DEFAULT_QUESTIONS,
  de: {
    recommend: 'Wie wahrscheinlich ist es, dass Sie {company} einem Freund oder Kollegen weiterempfehlen?',
    repurchase: 'Würden Sie wieder bei {company} kaufen?',
    reason: 'Was ist der wichtigste Grund für Ihre Bewertung?',
  },
};

/**
 * A question in the contact's language: a survey that kept a standard question gets its translation;
 * wording the survey changed is used as written (we cannot translate it).
 */
export function localisedQuestion(
  kind: keyof typeof DEFAULT_QUESTIONS,
  surveyText: string,
  language: Language,
): string {
  const isStandard = Object.values(DEFAULT_QUESTION_TRANSLATIONS).some((set) => set[kind] === surveyText);
  return isStandard ? DEFAULT_QUESTION_TRANSLATIONS[language][kind] : surveyText;
}

/** Wording of the public unsubscribe page. */
export const UNSUBSCRIBE_WORDING: Record<
  Language,
  {
    confirmTitle: string;
    confirmBody: (company: string) => string;
    confirmButton: string;
    doneTitle: string;
    doneBody: (company: string) => string;
  }
> = {
  en: {
    confirmTitle: 'Unsubscribe from surveys?',
    confirmBody: (company) => `You will get no more survey email from ${company}.`,
    confirmButton: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    doneBody: (company) => `${company} will send you no more survey email.`,
  },
  de: {
    confirmTitle: 'Umfragen abbestellen?',
    confirmBody: (company) => `Sie erhalten dann keine Umfrage-E-Mails mehr von ${company}.`,
    confirmButton: 'Abbestellen',
    doneTitle: 'Sie sind abgemeldet',
    doneBody: (company) => `${company} sendet Ihnen keine Umfrage-E-Mails mehr.`,
  },
};

/** The page for a link that does not exist or no longer works: the same answer for both. */
export const INVALID_LINK_WORDING = {
  title: 'This link does not work',
  body: 'It may be mistyped or no longer in use. Nothing else is needed from you.',
};
