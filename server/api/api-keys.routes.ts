import { Router } from 'express';
import { z } from 'zod';

import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { API_SCOPES } from './api-key.model.js';
import type { ApiKeysService } from './api-keys.service.js';
import { messages } from './api.messages.js';

export const apiKeyInputSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: 'Name the key after what uses it, e.g. "BI export".' })
    .max(100, { error: 'Use at most 100 characters.' }),
  scope: z.enum(API_SCOPES, { error: 'Choose read or read and write.' }),
});

/** Admins create and revoke API keys; a new key is shown once, on the page that created it. */
export function apiKeysRouter(deps: { apiKeys: ApiKeysService }): Router {
  const router = Router();
  const page = async (locals: Record<string, unknown> = {}) => ({
    title: 'API keys',
    keys: await deps.apiKeys.list(),
    values: { scope: 'read' },
    ...locals,
  });

  router.get('/api-keys', requireRole('admin'), async (_req, res) => {
    res.render('api-keys/index', await page());
  });

  router.post('/api-keys', requireRole('admin'), async (req, res) => {
    try {
      const input = parseInput(apiKeyInputSchema, req.body);
      const created = await deps.apiKeys.create({ ...input, createdBy: req.user!.id });
      // Shown once, on this response only: never stored in clear, never put in a flash message or URL.
      res.set('Cache-Control', 'no-store');
      res
        .status(201)
        .render('api-keys/index', await page({ created: { name: input.name, key: created.key, scope: input.scope } }));
    } catch (err) {
      renderInvalid(res, 'api-keys/index', err, await page({ values: typedValues(req.body) }));
    }
  });

  router.post('/api-keys/:id/revoke', requireRole('admin'), async (req, res) => {
    await deps.apiKeys.revoke(req.params.id as string);
    flash(req, 'success', messages.keyRevoked);
    res.redirect(303, '/api-keys');
  });

  return router;
}
