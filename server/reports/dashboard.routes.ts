import { Router } from 'express';

import { ttlCache } from '../lib/ttl-cache.js';
import { requireUser } from '../web/auth.js';
import { parseInput } from '../web/validate.js';
import { dashboard, dashboardQuerySchema, type DashboardDeps, type DashboardQuery } from './dashboard.js';

/** How long one view of the dashboard is shown to everyone who opens it: its figures are this fresh. */
export const DASHBOARD_FRESH_MS = 30_000;

/**
 * The signed-in home page (every role): how the company is doing and what needs attention. Each
 * choice of survey and range is computed at most every 30 s in a process (managers open the home page
 * often; its reads span every survey), so what it shows is at most that old.
 */
export function dashboardRouter(
  deps: DashboardDeps & { surveyOptions(): Promise<{ id: string; name: string }[]> },
): Router {
  const router = Router();
  const views = ttlCache({ ttlMs: DASHBOARD_FRESH_MS, clock: deps.clock, maxKeys: 200 }, (key: string) =>
    dashboard(deps, JSON.parse(key) as DashboardQuery),
  );
  router.get('/', requireUser, async (req, res) => {
    const query = parseInput(dashboardQuerySchema, req.query);
    const [data, surveys] = await Promise.all([views.get(JSON.stringify(query)), deps.surveyOptions()]);
    res.render('dashboard', { title: 'Home', ...data, surveys, values: query });
  });
  return router;
}
