import express, { Router, type Request, type Response } from 'express';
import type { RateLimitRequestHandler } from 'express-rate-limit';

import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import type { ReportRuns } from './report-runs.js';
import { messages } from './reports.messages.js';
import { reportInputSchema } from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export interface ReportPagesDeps {
  reports: ReportsService;
  runs: ReportRuns;
  surveyOptions(): Promise<{ id: string; name: string }[]>;
  userOptions(): Promise<{ id: string; name: string; email: string }[]>;
  timeZone: string;
}

/** Managers set up scheduled reports, preview them and send one to themselves. */
export function reportsRouter(deps: ReportPagesDeps): Router {
  const router = Router();
  const page = async (locals: Record<string, unknown> = {}) => {
    const [reports, surveys, users] = await Promise.all([
      deps.reports.list(),
      deps.surveyOptions(),
      deps.userOptions(),
    ]);
    const runs = await deps.runs.recent(reports.map((r) => r._id));
    const names = new Map(surveys.map((s) => [s.id, s.name]));
    return {
      title: 'Email reports',
      timeZone: deps.timeZone,
      reports: reports.map((r) => ({
        ...r,
        surveyName: r.surveyId ? (names.get(String(r.surveyId)) ?? 'a deleted survey') : 'All surveys',
        scheduleText:
          r.frequency === 'daily'
            ? `Daily at ${r.sendTime}`
            : r.frequency === 'weekly'
              ? `Weekly on ${WEEKDAYS[(r.weekday ?? 1) - 1]} at ${r.sendTime}`
              : `Monthly on day ${r.monthDay ?? 1} at ${r.sendTime}`,
        recipientCount: r.recipients.length - (r.unsubscribed ?? []).length,
        unsubscribedCount: (r.unsubscribed ?? []).length,
        lastRun: runs.find((run) => String(run.reportId) === r.id),
      })),
      surveys,
      users,
      weekdays: WEEKDAYS.map((label, i) => ({ value: String(i + 1), label })),
      values: { frequency: 'weekly', weekday: '1', monthDay: '1', sendTime: '08:00', followUpAgeDays: '3' },
      ...locals,
    };
  };

  router.get('/reports', requireRole('manager'), async (_req, res) => {
    res.render('reports/index', await page());
  });

  router.post('/reports', requireRole('manager'), async (req, res) => {
    try {
      const input = parseInput(reportInputSchema, req.body);
      const id = await deps.reports.create(input, req.user!.id);
      flash(req, 'success', messages.created);
      res.redirect(303, `/reports/${id}`);
    } catch (err) {
      renderInvalid(res, 'reports/index', err, await page({ values: typedValues(req.body) }));
    }
  });

  router.get('/reports/:id', requireRole('manager'), async (req, res) => {
    const { report, occurrence, html } = await deps.reports.preview(req.params.id as string);
    res.render('reports/preview', {
      title: `Report: ${report.name}`,
      report: { ...report, id: String(report._id) },
      occurrence,
      html,
    });
  });

  router.post('/reports/:id/send-now', requireRole('manager'), async (req, res) => {
    await deps.reports.sendNow(req.params.id as string, req.user!.email);
    flash(req, 'success', messages.sentToYou(req.user!.email));
    res.redirect(303, `/reports/${req.params.id as string}`);
  });

  router.post('/reports/:id/remove', requireRole('manager'), async (req, res) => {
    await deps.reports.remove(req.params.id as string);
    flash(req, 'success', messages.removed);
    res.redirect(303, '/reports');
  });

  return router;
}

/**
 * A report's unsubscribe link, mounted before sessions like the survey one: GET shows a confirmation
 * (mail scanners fetch links), POST unsubscribes - from the page's button or a mail client's RFC 8058
 * one-click POST. The unguessable token is the authentication; no cookie, no CSRF token.
 */
export function reportUnsubscribeRouter(deps: { reports: ReportsService; limiter: RateLimitRequestHandler }): Router {
  const router = Router();
  const show = async (req: Request, res: Response, unsubscribe: boolean) => {
    res.set('Referrer-Policy', 'no-referrer');
    res.set('Cache-Control', 'no-store');
    const token = req.params.token as string;
    const found = await deps.reports.unsubscribeLookup(token);
    if (!found)
      return deps.limiter(req, res, () => {
        res.status(404).render('reports/unsubscribe', { layout: 'public', title: 'Link not valid', invalid: true });
      });
    if (unsubscribe) await deps.reports.unsubscribe(token);
    res.render('reports/unsubscribe', {
      layout: 'public',
      title: 'Email report',
      token,
      name: found.name,
      done: unsubscribe || found.done,
    });
  };
  router.get('/ru/:token', (req, res) => show(req, res, false));
  router.post('/ru/:token', express.urlencoded({ extended: false, limit: '2kb' }), (req, res) => show(req, res, true));
  return router;
}
