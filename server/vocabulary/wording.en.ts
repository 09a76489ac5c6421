import { DEFAULT_QUESTIONS } from './defaults.js';
import type { RespondentWording } from './wording-types.js';

const scale = { lowLabel: 'Not at all likely', highLabel: 'Extremely likely' };

/** English: what customers read in the survey email and on its pages. */
export const EN: RespondentWording = {
  questions: { ...DEFAULT_QUESTIONS },
  dateLocale: 'en-GB',
  email: {
    ...scale,
    instruction: 'Click a number to answer. It takes a second.',
    reminderNote: 'A quick reminder: we would still love your answer.',
    reminderSubjectPrefix: 'Reminder: ',
    footerReason: (company) => `You received this email because you are a customer of ${company}.`,
    unsubscribe: 'Unsubscribe from these surveys',
    textScoreLine: (score) => `${score}: `,
  },
  page: {
    ...scale,
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
    reviewLink: 'Would you leave us a review? It helps others find us.',
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
  unsubscribe: {
    confirmTitle: 'Unsubscribe from surveys?',
    confirmBody: (company) => `You will get no more survey email from ${company}.`,
    confirmButton: 'Unsubscribe',
    doneTitle: 'You are unsubscribed',
    doneBody: (company) => `${company} will send you no more survey email.`,
  },
};
