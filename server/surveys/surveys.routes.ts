import { Router } from 'express';

import { ConflictError } from '../lib/errors.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { statusActionSchema, surveyInputSchema, surveySettingsSchema, webLinkActionSchema } from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

const LANGUAGE_NAMES: Record<(typeof SURVEY_LANGUAGES)[number], string> = { en: 'English', de: 'Deutsch' };
const languageOptions = SURVEY_LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }));

const STATUS_DONE: Record<string, string> = {
  activate: 'is active',
  pause: 'is paused',
  resume: 'is active again',
  close: 'is closed',
};

export interface DeliveryProgress {
  byStatus: Record<string, number>;
  skipped: Record<string, number>;
  total: number;
}

/** A survey's line on the overview (the results domain computes it). */
export interface OverviewLine {
  figures: { n: number; nps: number | null; npsRounded: number | null; interval: { marginOfError: number } };
  delivered: number;
  responded: number;
  rate: number | null;
  trend: readonly { figures: { n: number; nps: number | null } }[];
}

export interface QueueRun {
  status: string;
  queued?: number | null;
  skipped?: number | null;
  error?: string | null;
  createdAt?: Date;
  finishedAt?: Date | null;
}

/**
 * An SVG path (viewBox 0 0 100 40) for a 12-point NPS trend, -100 at the bottom, +100 at the top;
 * months without responses break the line. SVG attributes, so the strict CSP needs no inline style.
 */
export function sparklineOf(
  points: readonly { figures: { n: number; nps: number | null } }[],
): { path: string; label: string } | undefined {
  const step = points.length > 1 ? 100 / (points.length - 1) : 0;
  let path = '';
  let previousDrawn = false;
  points.forEach((p, i) => {
    if (p.figures.nps === null) {
      previousDrawn = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (20 - p.figures.nps / 5).toFixed(1);
    path += `${previousDrawn ? 'L' : 'M'}${x} ${y} `;
    previousDrawn = true;
  });
  if (!path) return undefined;
  const known = points.filter((p) => p.figures.nps !== null).map((p) => Math.round(p.figures.nps!));
  return { path: path.trim(), label: `Monthly NPS over the last 12 months: ${known.join(', ')}` };
}

export function surveysRouter(deps: {
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
}): Router {
  const { surveys } = deps;
  const router = Router();

  router.get('/surveys', requireRole('viewer'), async (_req, res) => {
    const list = await surveys.list();
    const overview = await deps.overview(list.map((s) => s.id));
    res.render('surveys/index', {
      title: 'Surveys',
      surveys: list.map((s) => {
        const o = overview.get(s.id);
        return {
          ...s,
          figures: o?.figures,
          rate: o?.rate,
          delivered: o?.delivered ?? 0,
          responded: o?.responded ?? 0,
          sparkline: o ? sparklineOf(o.trend) : undefined,
        };
      }),
    });
  });

  router.get('/surveys/new', requireRole('manager'), (_req, res) => {
    res.render('surveys/new', { title: 'New survey', values: {} });
  });

  router.post('/surveys', requireRole('manager'), async (req, res) => {
    try {
      const input = parseInput(surveyInputSchema, req.body);
      const survey = await surveys.create(input, req.user!.id);
      flash(req, 'success', `Survey "${survey.name}" created as a draft. Check its wording below.`);
      res.redirect(303, `/surveys/${survey.id}/edit`);
    } catch (err) {
      renderInvalid(res, 'surveys/new', err, { title: 'New survey', values: typedValues(req.body) });
    }
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
    const queueing = runs.some((r) => r.status === 'pending' || r.status === 'running');
    const skipped = Object.entries(progress.skipped)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => ({ reason: deps.skipLabels[reason] ?? reason, n }));
    res.render('surveys/show', {
      title: survey.name,
      survey,
      language: LANGUAGE_NAMES[survey.language],
      progress,
      skipped,
      runs,
      queueing,
      sending: queueing || (progress.byStatus.queued ?? 0) + (progress.byStatus.sending ?? 0) > 0,
      flaggedCount,
      autopilot,
      triggers,
      webLinkUrl: survey.webLinkId ? `${deps.baseUrl}/s/${survey.webLinkId}` : undefined,
      webLinkPerHour: deps.webLinkPerHour,
    });
  });

  router.get('/surveys/:id/edit', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    res.render('surveys/edit', { title: `Edit ${survey.name}`, survey, values: survey, languageOptions });
  });

  router.post('/surveys/:id', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    try {
      const input = parseInput(surveySettingsSchema, req.body);
      await surveys.update(survey.id, input);
      flash(req, 'success', 'Survey saved.');
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
      };
      renderInvalid(res, 'surveys/edit', err, { title: `Edit ${survey.name}`, survey, values, languageOptions });
    }
  });

  router.post('/surveys/:id/web-link', requireRole('manager'), async (req, res) => {
    const { action } = parseInput(webLinkActionSchema, req.body);
    const survey = await surveys.get(req.params.id as string);
    if (action === 'enable' && survey.status === 'closed') {
      flash(req, 'error', 'This survey is closed; it takes no more answers, so it cannot get a web link.');
    } else {
      await surveys.setWebLink(survey.id, action === 'enable');
      flash(
        req,
        'success',
        action === 'enable'
          ? 'Web link on: share the address below.'
          : 'Web link off: its address no longer takes answers.',
      );
    }
    res.redirect(303, `/surveys/${survey.id}`);
  });

  router.post('/surveys/:id/status', requireRole('manager'), async (req, res) => {
    const { action } = parseInput(statusActionSchema, req.body);
    const id = req.params.id as string;
    try {
      await surveys.changeStatus(id, action);
      flash(req, 'success', `The survey ${STATUS_DONE[action]}.`);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, `/surveys/${id}`);
  });

  return router;
}
