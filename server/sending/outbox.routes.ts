import { Router } from 'express';

import { NotFoundError } from '../lib/errors.js';
import { requireRole } from '../web/auth.js';
import { sendEmailHtml } from './email-frame.js';
import type { Outbox } from './outbox.js';
import { messages } from './sending.messages.js';

/** The local outbox (no SMTP_URL): admins read every "sent" message and click its links. */
export function outboxRouter(deps: {
  outbox: Outbox;
  logoByHash: (sha256: string) => Promise<{ contentType: string; data: Buffer } | undefined>;
}): Router {
  const router = Router();

  router.get('/outbox', requireRole('admin'), async (_req, res) => {
    res.render('outbox/index', { title: 'Outbox', messages: await deps.outbox.list() });
  });

  router.get('/outbox/:id', requireRole('admin'), async (req, res) => {
    const m = await deps.outbox.get(req.params.id as string);
    const headers = Object.entries((m.headers ?? {}) as Record<string, string>).map(([name, value]) => ({
      name,
      value,
    }));
    res.render('outbox/show', { title: m.subject, message: { ...m, id: String(m._id) }, headers });
  });

  router.get('/outbox/:id/html', requireRole('admin'), async (req, res) => {
    const m = await deps.outbox.get(req.params.id as string);
    // An embedded logo (cid:logo-<sha256>@nps) is shown from the stored logo with that hash; links open outside the frame.
    const html = m.html.replace(/src="cid:logo-([a-f0-9]{64})@nps"/g, 'src="/outbox/logos/$1"');
    sendEmailHtml(res, html.replace('<head>', '<head><base target="_blank">'));
  });

  router.get('/outbox/logos/:sha256', requireRole('admin'), async (req, res) => {
    const logo = await deps.logoByHash(req.params.sha256 as string);
    if (!logo) throw new NotFoundError(messages.logoGone, 'LOGO_NOT_FOUND');
    res.set('Cache-Control', 'private, max-age=3600');
    res.type(logo.contentType).send(logo.data);
  });

  return router;
}
