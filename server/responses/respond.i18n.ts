import type { Language } from '../sending/i18n.js';
import type { RepurchaseAnswer } from './response.model.js';

/** Everything the respondent's pages say, per language. Question texts come from the survey. */
export interface RespondWording {
  lowLabel: string;
  highLabel: string;
  scaleHint: string;
  repurchaseAnswers: Record<RepurchaseAnswer, string>;
  optional: string;
  commentHint: string;
  submit: string;
  update: string;
  previewBanner: string;
  storedNote: (answeredOn: string, editableUntil: string) => string;
  thanksTitle: string;
  thanksBody: string;
  thanksSaved: string;
  yourScore: string;
  yourRepurchase: string;
  yourComment: string;
  changeLink: (until: string) => string;
  lockedNote: (answeredOn: string) => string;
  closedTitle: string;
  closedBody: string;
  unsubscribedTitle: string;
  unsubscribedBody: string;
  formError: string;
  errors: {
    score: string;
    repurchase: string;
    comment: string;
    stamp: string;
  };
}

export const RESPOND_WORDING: Record<Language, RespondWording> = {
  en: {
    lowLabel: 'Not at all likely',
    highLabel: 'Extremely likely',
    scaleHint: '0 means not at all likely, 10 means extremely likely.',
    repurchaseAnswers: {
      definitely_would: 'Definitely would',
      probably_would: 'Probably would',
      not_sure: 'Not sure',
      probably_would_not: 'Probably would not',
      definitely_would_not: 'Definitely would not',
    },
    optional: '(optional)',
    commentHint: 'Up to 5,000 characters.',
    submit: 'Send my answer',
    update: 'Save my changes',
    previewBanner: 'Preview: this is how customers see the page. Nothing you send here is saved.',
    storedNote: (on, until) => `You answered on ${on}. You can change your answer until ${until}.`,
    thanksTitle: 'Thank you!',
    thanksBody: 'Your answer helps us improve.',
    thanksSaved: 'We saved your answer:',
    yourScore: 'Your score',
    yourRepurchase: 'Would buy again',
    yourComment: 'Your reason',
    changeLink: (until) => `Change your answer (possible until ${until})`,
    lockedNote: (on) => `You answered on ${on}. Thank you! The answer can no longer be changed.`,
    closedTitle: 'This survey is closed',
    closedBody: 'It no longer takes answers. Thank you for your time; nothing else is needed from you.',
    unsubscribedTitle: 'You are unsubscribed',
    unsubscribedBody:
      'You unsubscribed from these surveys, so this link no longer takes answers. Nothing else is needed from you.',
    formError: 'Your answer was not saved yet. Please check the marked question.',
    errors: {
      score: 'Choose a score from 0 to 10.',
      repurchase: 'Choose one of the five answers, or leave the question blank.',
      comment: 'Your reason is longer than 5,000 characters. Please shorten it.',
      stamp: 'This page was changed or is too old. Please check your answers and send them again.',
    },
  },
  de: {
    lowLabel: 'Äußerst unwahrscheinlich',
    highLabel: 'Äußerst wahrscheinlich',
    scaleHint: '0 bedeutet äußerst unwahrscheinlich, 10 äußerst wahrscheinlich.',
    repurchaseAnswers: {
      definitely_would: 'Auf jeden Fall',
      probably_would: 'Wahrscheinlich',
      not_sure: 'Weiß nicht',
      probably_would_not: 'Eher nicht',
      definitely_would_not: 'Auf keinen Fall',
    },
    optional: '(freiwillig)',
    commentHint: 'Bis zu 5.000 Zeichen.',
    submit: 'Antwort senden',
    update: 'Änderungen speichern',
    previewBanner: 'Vorschau: So sehen Kunden die Seite. Was Sie hier senden, wird nicht gespeichert.',
    storedNote: (on, until) => `Sie haben am ${on} geantwortet. Sie können Ihre Antwort bis ${until} ändern.`,
    thanksTitle: 'Vielen Dank!',
    thanksBody: 'Ihre Antwort hilft uns, besser zu werden.',
    thanksSaved: 'Wir haben Ihre Antwort gespeichert:',
    yourScore: 'Ihre Bewertung',
    yourRepurchase: 'Wieder kaufen',
    yourComment: 'Ihr Grund',
    changeLink: (until) => `Antwort ändern (möglich bis ${until})`,
    lockedNote: (on) => `Sie haben am ${on} geantwortet. Vielen Dank! Die Antwort kann nicht mehr geändert werden.`,
    closedTitle: 'Diese Umfrage ist beendet',
    closedBody: 'Sie nimmt keine Antworten mehr an. Danke für Ihre Zeit; Sie müssen nichts weiter tun.',
    unsubscribedTitle: 'Sie sind abgemeldet',
    unsubscribedBody:
      'Sie haben diese Umfragen abbestellt, daher nimmt dieser Link keine Antworten mehr an. Sie müssen nichts weiter tun.',
    formError: 'Ihre Antwort ist noch nicht gespeichert. Bitte prüfen Sie die markierte Frage.',
    errors: {
      score: 'Wählen Sie eine Bewertung von 0 bis 10.',
      repurchase: 'Wählen Sie eine der fünf Antworten oder lassen Sie die Frage leer.',
      comment: 'Ihr Grund ist länger als 5.000 Zeichen. Bitte kürzen Sie ihn.',
      stamp: 'Diese Seite wurde verändert oder ist zu alt. Bitte prüfen Sie Ihre Antworten und senden Sie sie erneut.',
    },
  },
};

/** A date as the customer reads it, in their language (UTC; the page shows no time of day). */
export function formatDay(date: Date, language: Language): string {
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(date);
}
