/** The shape of what a customer reads, per language (filled in by wording.en.ts and wording.de.ts). */
import type { RepurchaseAnswer } from './answers.js';
import type { QuestionKind } from './defaults.js';

/** The fixed wording of the survey email. */
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

/** The answer page and the thank-you page. */
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
  /** The promoters' invitation to a review site on the thank-you page. */
  reviewLink: string;
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
  errors: { score: string; repurchase: string; comment: string; stamp: string };
}

/** The public unsubscribe page. */
export interface UnsubscribeWording {
  confirmTitle: string;
  confirmBody: (company: string) => string;
  confirmButton: string;
  doneTitle: string;
  doneBody: (company: string) => string;
}

export interface RespondentWording {
  /** The standard questions in this language. */
  questions: Record<QuestionKind, string>;
  email: EmailWording;
  page: RespondWording;
  unsubscribe: UnsubscribeWording;
  /** How dates read on the pages ("31 January 2026"). */
  dateLocale: string;
}
