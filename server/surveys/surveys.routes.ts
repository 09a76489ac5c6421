import { Router } from 'express';

import { ConflictError } from '../lib/errors.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';
import { SCALES, SURVEY_TYPES, type SurveyType } from '../vocabulary/scales.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import type { SurveyDetail } from './survey-detail.js';
import { deliveryView, overviewRows, type DeliveryProgress, type OverviewLine, type QueueRun } from './surveys-view.js';
import { messages } from './surveys.messages.js';
import { newSurveySchema, statusActionSchema, surveySettingsSchema, webLinkActionSchema } from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

const LANGUAGE_NAMES: Record<(typeof SURVEY_LANGUAGES)[number], string> = { en: 'English', de: 'Deutsch' };
const languageOptions = SURVEY_LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }));

const TYPE_HINTS: Record<SurveyType, string> = {
  nps: '“How likely are you to recommend us?” 0-10; the Net Promoter Score.',
  csat: '“How satisfied were you with …?” 1-5; CSAT % is the share answering 4 or 5.',
  ces: '“It was easy to …” 1-7; the Customer Effort Score is the mean, with the share answering 5-7.',
  stars: 'A rating of 1 to 5 stars; the average rating, with the share of 4-5 stars.',
};
const typeOptions = (current: unknown) =>
  SURVEY_TYPES.map((value) => ({
    value,
    label: SCALES[value].label,
    hint: TYPE_HINTS[value],
    checked: value === (current ?? 'nps'),
  }));

interface SurveysDeps {
  surveys: SurveysService;
  deliveryProgress: (surveyId: string) => Promise<DeliveryProgress>;
  recentRuns: (surveyId: string) => Promise<QueueRun[]>;
  skipLabels: Record<string, string>;
  flaggedCount: (surveyId: string) => Promise<number>;
  overview: (surveyIds: string[]) => Promise<Map<string, OverviewLine>>;
  autopilotSettings: (surveyId: string) => Promise<{ enabled: boolean }>;
  recentTriggers: (surveyId: string) => Promise<{ scheduled: number; skipped: number; latest: unknown[] }>;
  baseUrl: string;
  webLinkPerHour: number;
}

/** The surveys list and each survey's page (viewers and up), and creating and changing surveys (managers). */
export function surveysRouter(deps: SurveysDeps): Router {
  // Editing first: /surveys/new is not a survey id.
  return Router().use(surveyEditing(deps), surveyPages(deps));
}

function surveyPages(deps: SurveysDeps): Router {
  const { surveys } = deps;
  const router = Router();

  router.get('/surveys', requireRole('viewer'), async (_req, res) => {
    const list = await surveys.list();
    const overview = await deps.overview(list.map((s) => s.id));
    res.render('surveys/index', { title: 'Surveys', surveys: overviewRows(list, overview) });
  });

  router.get('/surveys/:id', requireRole('viewer'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const [progress, runs, flaggedCount, autopilot, triggers] = await Promise.all([
      deps.deliveryProgress(survey.id),
      deps.recentRuns(survey.id),
      deps.flaggedCount(survey.id),
      deps.autopilotSettings(survey.id),
      deps.recentTriggers(survey.id),
    ]);
    res.render('surveys/show', {
      title: survey.name,
      survey,
      scaleLabel: SCALES[survey.type].label,
      language: LANGUAGE_NAMES[survey.language],
      ...deliveryView(progress, runs, deps.skipLabels),
      flaggedCount,
      autopilot,
      triggers,
      webLinkUrl: survey.webLinkId ? `${deps.baseUrl}/s/${survey.webLinkId}` : undefined,
      webLinkPerHour: deps.webLinkPerHour,
    });
  });

  return router;
}

function surveyEditing({ surveys }: SurveysDeps): Router {
  const router = Router();

  router.get('/surveys/new', requireRole('manager'), (_req, res) => {
    res.render('surveys/new', { title: 'New survey', values: {}, typeOptions: typeOptions('nps') });
  });

  router.post('/surveys', requireRole('manager'), async (req, res) => {
    try {
      const input = parseInput(newSurveySchema, req.body);
      const survey = await surveys.create(input, req.user!.id);
      flash(req, 'success', messages.created(survey.name));
      res.redirect(303, `/surveys/${survey.id}/edit`);
    } catch (err) {
      const values = typedValues(req.body);
      renderInvalid(res, 'surveys/new', err, { title: 'New survey', values, typeOptions: typeOptions(values.type) });
    }
  });

  router.get('/surveys/:id/edit', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    res.render('surveys/edit', { title: `Edit ${survey.name}`, ...editPage(survey), values: survey });
  });

  router.post('/surveys/:id', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    try {
      const input = parseInput(surveySettingsSchema, req.body);
      await surveys.update(survey.id, input);
      flash(req, 'success', messages.saved);
      res.redirect(303, `/surveys/${survey.id}`);
    } catch (err) {
      if (err instanceof ConflictError) {
        flash(req, 'error', err.message);
        return res.redirect(303, `/surveys/${survey.id}`);
      }
      const values = {
        ...typedValues(req.body),
        reminderEnabled: (req.body as Record<string, unknown>).reminderEnabled === 'on',
        followUpWouldNot: (req.body as Record<string, unknown>).followUpWouldNot === 'on',
        askRepurchase: (req.body as Record<string, unknown>).askRepurchase !== 'no',
        askReason: (req.body as Record<string, unknown>).askReason !== 'no',
      };
      renderInvalid(res, 'surveys/edit', err, { title: `Edit ${survey.name}`, ...editPage(survey), values });
    }
  });

  router.post('/surveys/:id/web-link', requireRole('manager'), async (req, res) => {
    const { action } = parseInput(webLinkActionSchema, req.body);
    const survey = await surveys.get(req.params.id as string);
    if (action === 'enable' && survey.status === 'closed') {
      flash(req, 'error', messages.closedNoWebLink);
    } else {
      await surveys.setWebLink(survey.id, action === 'enable');
      flash(req, 'success', action === 'enable' ? messages.webLinkOn : messages.webLinkOff);
    }
    res.redirect(303, `/surveys/${survey.id}`);
  });

  router.post('/surveys/:id/status', requireRole('manager'), async (req, res) => {
    const { action } = parseInput(statusActionSchema, req.body);
    const id = req.params.id as string;
    try {
      await surveys.changeStatus(id, action);
      flash(req, 'success', messages.statusChanged[action]);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, `/surveys/${id}`);
  });

  return router;
}

/** The edit page's fixed parts: the survey, the language choices and its scale in words. */
function editPage(survey: SurveyDetail) {
  const { min, max, label } = SCALES[survey.type];
  return { survey, languageOptions, scaleLabel: label, scaleText: `${min} to ${max}` };
}
