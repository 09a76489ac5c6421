import { Router } from 'express';

import { requireUser } from '../web/auth.js';
import { parseInput } from '../web/validate.js';
import { dashboard, dashboardQuerySchema, type DashboardDeps } from './dashboard.js';

/** The signed-in home page (every role): how the company is doing and what needs attention. */
export function dashboardRouter(
  deps: DashboardDeps & { surveyOptions(): Promise<{ id: string; name: string }[]> },
): Router {
  const router = Router();
  router.get('/', requireUser, async (req, res) => {
    const query = parseInput(dashboardQuerySchema, req.query);
    const [data, surveys] = await Promise.all([dashboard(deps, query), deps.surveyOptions()]);
    res.render('dashboard', { title: 'Home', ...data, surveys, values: query });
  });
  return router;
}
