/**
 * What a customer reads about the first question's scale, per survey type and language (issue 17):
 * the standard question, the ends of the scale, the hint for screen readers and the message for a
 * score off the scale; and the messages for the additional questions. NPS keeps the wording of
 * wording.en.ts / wording.de.ts exactly.
 */
import type { Language } from './languages.js';
import { SCALES, type SurveyType } from './scales.js';
import { localisedQuestion, WORDING } from './wording.js';

export interface ScaleWording {
  question: string;
  lowLabel: string;
  highLabel: string;
  scaleHint: string;
  scoreError: string;
}

const range = (type: SurveyType) => `${SCALES[type].min}-${SCALES[type].max}`;

export const SCALE_WORDING: Record<Exclude<SurveyType, 'nps'>, Record<Language, ScaleWording>> = {
  csat: {
    en: {
      question: 'How satisfied were you with {company}?',
      lowLabel: 'Very dissatisfied',
      highLabel: 'Very satisfied',
      scaleHint: '1 means very dissatisfied, 5 means very satisfied.',
      scoreError: `Choose an answer from ${range('csat')}.`,
    },
    de: {
      question: 'Wie zufrieden waren Sie mit {company}?',
      lowLabel: 'Sehr unzufrieden',
      highLabel: 'Sehr zufrieden',
      scaleHint: '1 bedeutet sehr unzufrieden, 5 sehr zufrieden.',
      scoreError: `Wählen Sie eine Antwort von ${range('csat')}.`,
    },
  },
  ces: {
    en: {
      question: '{company} made it easy for me to handle my issue.',
      lowLabel: 'Strongly disagree',
      highLabel: 'Strongly agree',
      scaleHint: '1 means strongly disagree, 7 means strongly agree.',
      scoreError: `Choose an answer from ${range('ces')}.`,
    },
    de: {
      question: '{company} hat es mir leicht gemacht, mein Anliegen zu erledigen.',
      lowLabel: 'Stimme überhaupt nicht zu',
      highLabel: 'Stimme voll und ganz zu',
      scaleHint: '1 bedeutet stimme überhaupt nicht zu, 7 stimme voll und ganz zu.',
      scoreError: `Wählen Sie eine Antwort von ${range('ces')}.`,
    },
  },
  stars: {
    en: {
      question: 'How would you rate {company}?',
      lowLabel: '1 star',
      highLabel: '5 stars',
      scaleHint: '1 star is the lowest rating, 5 stars the highest.',
      scoreError: 'Choose from 1 to 5 stars.',
    },
    de: {
      question: 'Wie bewerten Sie {company}?',
      lowLabel: '1 Stern',
      highLabel: '5 Sterne',
      scaleHint: '1 Stern ist die niedrigste Bewertung, 5 Sterne die höchste.',
      scoreError: 'Wählen Sie 1 bis 5 Sterne.',
    },
  },
};

/** Messages about the additional questions, naming the question, in the respondent's language. */
export const QUESTION_ERRORS: Record<
  Language,
  {
    required: (q: string) => string;
    option: (q: string) => string;
    notShown: (q: string) => string;
    long: (q: string, max: number) => string;
    one: (q: string) => string;
  }
> = {
  en: {
    required: (q) => `Please answer “${q}”.`,
    option: (q) => `Choose one of the listed answers to “${q}”.`,
    notShown: (q) => `“${q}” is not asked for the score you chose; leave it blank or change the score.`,
    long: (q, max) => `Your answer to “${q}” is longer than ${max} characters. Please shorten it.`,
    one: (q) => `Choose only one answer to “${q}”.`,
  },
  de: {
    required: (q) => `Bitte beantworten Sie „${q}“.`,
    option: (q) => `Wählen Sie eine der angebotenen Antworten auf „${q}“.`,
    notShown: (q) =>
      `„${q}“ wird bei der gewählten Bewertung nicht gefragt; lassen Sie die Frage leer oder ändern Sie die Bewertung.`,
    long: (q, max) => `Ihre Antwort auf „${q}“ ist länger als ${max} Zeichen. Bitte kürzen Sie sie.`,
    one: (q) => `Wählen Sie nur eine Antwort auf „${q}“.`,
  },
};

/** "Only if your score is 0-6", under a conditional question, for readers without scripts. */
export const CONDITION_NOTE: Record<Language, (from: number, to: number) => string> = {
  en: (from, to) => `Only if your answer above is ${from === to ? from : `${from} to ${to}`}.`,
  de: (from, to) => `Nur wenn Ihre Antwort oben ${from === to ? from : `${from} bis ${to}`} ist.`,
};

/**
 * The first question in the respondent's language: a survey that kept its type's standard wording
 * gets the translation, wording a manager wrote is used as written.
 */
export function firstQuestionIn(type: SurveyType, surveyText: string, lang: Language): string {
  if (type === 'nps') return localisedQuestion('recommend', surveyText, lang);
  const standard = Object.values(SCALE_WORDING[type]).some((w) => w.question === surveyText);
  return standard ? SCALE_WORDING[type][lang].question : surveyText;
}

/** The ends of the scale and the hint for screen readers, for the email and the answer page. */
export function scaleWordsOf(
  type: SurveyType,
  lang: Language,
): { lowLabel: string; highLabel: string; scaleHint: string } {
  if (type === 'nps') {
    const { lowLabel, highLabel, scaleHint } = WORDING[lang].page;
    return { lowLabel, highLabel, scaleHint };
  }
  const { lowLabel, highLabel, scaleHint } = SCALE_WORDING[type][lang];
  return { lowLabel, highLabel, scaleHint };
}
