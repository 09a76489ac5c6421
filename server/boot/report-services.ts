import type mongoose from 'mongoose';

import type { AccountsService } from '../accounts/accounts.service.js';
import type { Config } from '../config.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ReportRuns } from '../reports/report-runs.js';
import { ReportsService } from '../reports/reports.service.js';
import { OverallResults } from '../results/overall-results.js';
import type { ResponseQueries } from '../results/response-queries.js';
import type { Mailer } from '../sending/mailer.js';
import type { Models } from './models.js';
import type { Stores } from './stores.js';

/**
 * The services behind email reports and the home dashboard: pooled figures over surveys, the reports
 * and their scheduled runs. Part of the composition root (services.ts calls it).
 */
export function createReportServices(deps: {
  config: Config;
  models: Models;
  stores: Stores;
  accounts: AccountsService;
  queries: ResponseQueries;
  mailer: Mailer;
  clock: Clock;
  logger: Logger;
}) {
  const { config, models, stores, clock, logger } = deps;
  const timeZone = config.reportTimeZone;
  const overall = new OverallResults({
    counts: stores.counts,
    queries: deps.queries,
    surveys: stores.surveys,
    deliveredIn: (ids, ranges) => stores.invitations.deliveredIn(ids, ranges),
    clock,
    timeZone,
  });
  const oldCases = async (surveyIds: readonly mongoose.Types.ObjectId[], cutoff: Date, limit: number) => {
    const [found, names] = await Promise.all([
      stores.cases.activeOpenedBefore(surveyIds, cutoff, limit),
      stores.surveys.names(surveyIds),
    ]);
    const now = clock.now().getTime();
    return {
      total: found.total,
      items: found.items.map((c) => ({
        id: String(c._id),
        score: c.openedScore ?? 0,
        openedAt: c.openedAt,
        ageDays: Math.floor((now - c.openedAt.getTime()) / 86_400_000),
        surveyName: names.get(String(c.surveyId)) ?? 'Survey',
      })),
    };
  };
  const reports = new ReportsService({
    reports: models.reports,
    overall,
    oldCases,
    userEmails: async (ids) => {
      const wanted = new Set(ids);
      return new Map((await deps.accounts.active()).filter((u) => wanted.has(u.id)).map((u) => [u.id, u.email]));
    },
    mailer: deps.mailer,
    mailFrom: config.mailFrom,
    baseUrl: config.baseUrl,
    secret: config.tokenSecret,
    clock,
    timeZone,
    logger,
  });
  const reportRuns = new ReportRuns({
    runs: models.reportRuns,
    reports: models.reports,
    service: reports,
    mailer: deps.mailer,
    clock,
    timeZone,
    logger,
  });
  return { overall, reports, reportRuns, oldCases };
}
