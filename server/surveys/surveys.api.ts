import { z } from 'zod';

import { idParamsSchema } from '../api/api-schemas.js';
import { defineEndpoint, type AnyEndpoint } from '../api/endpoint.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';
import { SURVEY_TYPES } from '../vocabulary/scales.js';
import { autopilotApiSchema, type AutopilotSettingsInput } from './autopilot.schemas.js';
import { extraQuestionsInputSchema } from './extra-questions.js';
import type { SurveyDetail } from './survey-detail.js';
import { STATUS_ACTIONS } from './survey-status.js';
import type { SurveysService } from './surveys.service.js';

export const surveyCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  companyName: z.string().trim().min(1).max(200),
  language: z.enum(SURVEY_LANGUAGES).optional(),
  senderName: z.string().trim().max(200).optional(),
  replyTo: z.email().max(254).optional(),
  emailSubject: z.string().trim().max(300).optional(),
  emailIntro: z.string().max(2000).optional(),
  type: z
    .enum(SURVEY_TYPES)
    .optional()
    .describe('The first question: nps (0-10, the default), csat (1-5), ces (1-7) or stars (1-5). Fixed once created.'),
  questions: extraQuestionsInputSchema.optional().describe('Additional questions, in order (see PATCH).'),
});

export const surveyUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  companyName: z.string().trim().min(1).max(200).optional(),
  recommendQuestion: z.string().trim().min(1).max(500).optional(),
  repurchaseQuestion: z.string().trim().min(1).max(500).optional(),
  reasonQuestion: z.string().trim().min(1).max(500).optional(),
  language: z.enum(SURVEY_LANGUAGES).optional(),
  senderName: z.string().trim().max(200).optional(),
  replyTo: z.union([z.email().max(254), z.literal('')]).optional(),
  emailSubject: z.string().trim().max(300).optional(),
  emailIntro: z.string().max(2000).optional(),
  reminderEnabled: z.boolean().optional(),
  reminderAfterDays: z.number().int().min(1).max(30).optional(),
  followUpMaxScore: z
    .number()
    .int()
    .min(0)
    .max(10)
    .optional()
    .describe('Open a follow-up case for scores up to this (6: every detractor).'),
  followUpWouldNot: z
    .boolean()
    .optional()
    .describe('Also open one when the customer would (probably or definitely) not buy again.'),
  askRepurchase: z.boolean().optional().describe('Ask the standard "Would you buy again?" question.'),
  askReason: z.boolean().optional().describe('Ask the standard reason question (the comment).'),
  questions: extraQuestionsInputSchema
    .optional()
    .describe(
      'The additional questions, all of them in order (archived ones included): up to 5 shown. Give the id of a question or option to keep it; a question with answers cannot be removed or have its options changed (409): archive it.',
    ),
  accentColor: z
    .union([
      z.string().regex(/^#[0-9a-fA-F]{6}$/, { error: 'expected # and six hex digits, e.g. #1d4ed8' }),
      z.literal(''),
    ])
    .optional()
    .describe('Score button colour in the email; empty for the standard blue.'),
  footerText: z.string().max(500).optional().describe("Footer lines of the email: the sender's postal address."),
  autopilot: autopilotApiSchema
    .optional()
    .describe('Survey every contact on a schedule (see server/autopilot/README.md).'),
});

/** A survey as the API shows it. */
export function surveyView(s: SurveyDetail) {
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    companyName: s.companyName,
    language: s.language,
    type: s.type,
    askRepurchase: s.askRepurchase,
    askReason: s.askReason,
    questions: s.extraQuestions,
    recommendQuestion: s.recommendQuestion,
    repurchaseQuestion: s.repurchaseQuestion,
    reasonQuestion: s.reasonQuestion,
    senderName: s.senderName,
    replyTo: s.replyTo,
    emailSubject: s.emailSubject,
    emailIntro: s.emailIntro,
    reminderEnabled: s.reminderEnabled,
    reminderAfterDays: s.reminderAfterDays,
    followUpMaxScore: s.followUpMaxScore,
    followUpWouldNot: s.followUpWouldNot,
    accentColor: s.accentColor,
    footerText: s.footerText,
    hasLogo: Boolean(s.logoId),
    autopilot: { ...s.autopilot, startedAt: s.autopilot.startedAt ?? null, dailyCap: s.autopilot.dailyCap ?? null },
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** /surveys: list, get, create, and change settings (with the brand and the autopilot schedule, saved by their domains). */
export function surveysApi(deps: {
  surveys: SurveysService;
  saveBrand: (surveyId: string, brand: { accentColor: string; footerText: string }) => Promise<void>;
  saveAutopilot: (surveyId: string, input: AutopilotSettingsInput) => Promise<void>;
}): AnyEndpoint[] {
  const { surveys } = deps;
  return [
    defineEndpoint({
      method: 'get',
      path: '/surveys',
      summary: 'List surveys',
      scope: 'read',
      handle: async () => ({ data: (await surveys.listDetails()).map(surveyView) }),
    }),
    defineEndpoint({
      method: 'get',
      path: '/surveys/:id',
      summary: 'Get a survey',
      scope: 'read',
      params: idParamsSchema,
      handle: async ({ params }) => ({ data: surveyView(await surveys.get(params.id)) }),
    }),
    defineEndpoint({
      method: 'post',
      path: '/surveys',
      summary: 'Create a survey (as a draft, with the standard questions)',
      scope: 'read_write',
      body: surveyCreateSchema,
      status: 201,
      handle: async ({ body }) => {
        const { questions, type, ...settings } = body;
        const created = await surveys.create({
          name: body.name,
          companyName: body.companyName,
          type,
          language: body.language,
          questions,
        });
        const current = await surveys.get(created.id);
        await surveys.update(created.id, { ...current, ...settings, replyTo: body.replyTo ?? '' });
        return { data: surveyView(await surveys.get(created.id)) };
      },
    }),
    defineEndpoint({
      method: 'patch',
      path: '/surveys/:id',
      summary: 'Change survey settings (only the fields given)',
      scope: 'read_write',
      params: idParamsSchema,
      body: surveyUpdateSchema,
      handle: async ({ params, body }) => {
        const current = await surveys.get(params.id);
        const { autopilot, accentColor, footerText, questions, ...settings } = body;
        // Validated as a whole above; the survey's settings first (a closed survey stops here).
        await surveys.update(params.id, { ...current, ...settings });
        if (questions) await surveys.setQuestions(params.id, questions);
        if (accentColor !== undefined || footerText !== undefined) {
          await deps.saveBrand(params.id, {
            accentColor: (accentColor ?? current.accentColor).toLowerCase(),
            footerText: footerText ?? current.footerText,
          });
        }
        if (autopilot) await deps.saveAutopilot(params.id, autopilot);
        return { data: surveyView(await surveys.get(params.id)) };
      },
    }),
    defineEndpoint({
      method: 'post',
      path: '/surveys/:id/status',
      summary:
        "Activate, pause, resume or close a survey, with the survey page's rules: activate a draft, pause an active survey, resume a paused one, close any but a closed one (409 otherwise)",
      scope: 'read_write',
      params: idParamsSchema,
      body: z.strictObject({ action: z.enum(STATUS_ACTIONS) }),
      handle: async ({ params, body }) => {
        await surveys.changeStatus(params.id, body.action);
        return { data: surveyView(await surveys.get(params.id)) };
      },
    }),
  ];
}
