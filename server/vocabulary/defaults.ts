/**
 * Defaults that more than one domain relies on, in one place: the survey model, the forms, the API,
 * autopilot and the figures all read them from here.
 */

/** The standard question wording; {company} is replaced by the survey's company name when shown. */
export const DEFAULT_QUESTIONS = Object.freeze({
  recommend: 'How likely are you to recommend {company} to a friend or colleague?',
  repurchase: 'Would you buy from {company} again?',
  reason: 'What is the main reason for your score?',
});
export type QuestionKind = keyof typeof DEFAULT_QUESTIONS;

/** A follow-up case opens for scores up to this: 6 is every detractor (PRODUCT.md). */
export const DEFAULT_FOLLOW_UP_MAX_SCORE = 6;
/** One reminder, this many days after the invitation, to people who have not answered. */
export const DEFAULT_REMINDER_AFTER_DAYS = 3;
/** Nobody is surveyed (by any survey) again within this many days, unless a send says otherwise. */
export const DEFAULT_THROTTLE_DAYS = 90;
/** Below this many responses a figure is flagged as a small sample (PRODUCT.md). */
export const SMALL_SAMPLE = 30;

/** Autopilot: every contact once every `everyDays`, new contacts first after `newContactDelayDays`. */
export const DEFAULT_AUTOPILOT = Object.freeze({
  everyDays: 90,
  newContactDelayDays: 30,
  samplePercent: 100,
  throttleDays: DEFAULT_THROTTLE_DAYS,
});
