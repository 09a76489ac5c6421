import { z } from 'zod';

import { DEFAULT_FOLLOW_UP_MAX_SCORE, DEFAULT_QUESTIONS, DEFAULT_REMINDER_AFTER_DAYS } from '../vocabulary/defaults.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';
import { SURVEY_TYPES } from '../vocabulary/scales.js';
import { checkbox, wholeNumberField } from '../web/form-fields.js';
import { STATUS_ACTIONS } from './survey-status.js';

const text = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label}.` })
    .trim()
    .max(max, { error: `Use at most ${max} characters.` });

const yesNo = z
  .enum(['yes', 'no'], { error: 'Choose yes or no.' })
  .default('yes')
  .transform((v) => v === 'yes');

const question = (label: string) =>
  text(label, 500).min(1, { error: `Enter the ${label}; {company} is replaced by the company name.` });

export const surveyInputSchema = z.object({
  name: text('a survey name', 200).min(1, { error: 'Give the survey a name, e.g. "Customer NPS 2027".' }),
  companyName: text('the company or product name', 200).min(1, {
    error: 'Enter the company or product name customers know you by.',
  }),
});
export type SurveyInput = z.infer<typeof surveyInputSchema>;

/** The new-survey form: the name, the company and the first question's type (fixed once created). */
export const newSurveySchema = surveyInputSchema.extend({
  type: z.enum(SURVEY_TYPES, { error: 'Choose the kind of first question.' }).default('nps'),
});

/** Every editable field of a survey (the edit page). */
export const surveySettingsSchema = surveyInputSchema.extend({
  recommendQuestion: question('recommend question').default(DEFAULT_QUESTIONS.recommend),
  repurchaseQuestion: question('repurchase question').default(DEFAULT_QUESTIONS.repurchase),
  reasonQuestion: question('reason question').default(DEFAULT_QUESTIONS.reason),
  senderName: text('a sender name', 200).default(''),
  replyTo: z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .refine((v) => v === '' || z.email().safeParse(v).success, {
      error: 'Enter a valid reply-to address, or leave it empty.',
    })
    .default(''),
  emailSubject: text('an email subject', 300).default(''),
  emailIntro: text('an email introduction', 2000).default(''),
  language: z.enum(SURVEY_LANGUAGES, { error: `Choose one of: ${SURVEY_LANGUAGES.join(', ')}.` }).default('en'),
  reminderEnabled: checkbox,
  reminderAfterDays: wholeNumberField(
    1,
    30,
    'Enter a number of days from 1 to 30.',
    'Enter a whole number of days.',
  ).default(DEFAULT_REMINDER_AFTER_DAYS),
  followUpMaxScore: wholeNumberField(0, 10, 'Choose a score from 0 to 10.').default(DEFAULT_FOLLOW_UP_MAX_SCORE),
  followUpWouldNot: checkbox,
  // The standard repurchase and reason questions, each can be switched off (issue 17).
  // A yes/no choice, not a checkbox: a form without the field (an older page) keeps them on.
  askRepurchase: yesNo,
  askReason: yesNo,
});
export type SurveySettings = z.infer<typeof surveySettingsSchema>;

export const statusActionSchema = z.object({ action: z.enum(STATUS_ACTIONS, { error: 'Unknown action.' }) });

export const webLinkActionSchema = z.object({
  action: z.enum(['enable', 'disable'], { error: 'action must be enable or disable' }),
});
