import type { Router } from 'express';
import type { z } from 'zod';

import { ConflictError } from '../lib/errors.js';
import type { Role } from '../vocabulary/roles.js';
import { requireRole } from './auth.js';
import { flash } from './flash.js';
import { renderInvalid, typedValues } from './forms.js';
import { parseInput } from './validate.js';

/**
 * A per-survey settings page at `/surveys/:id/<name>`: GET renders it; POST validates with the schema,
 * saves, and redirects back with a message (post/redirect/get). Invalid input re-renders the page with
 * what was typed and a message beside each field; a ConflictError (a closed survey) is flashed.
 */
export function settingsPage<S extends z.ZodType>(
  router: Router,
  options: {
    name: string;
    view: string;
    roles: { view: Role; edit: Role };
    schema: S;
    page: (surveyId: string, locals?: Record<string, unknown>) => Promise<Record<string, unknown>>;
    /** Saves and returns the message to show. */
    save: (surveyId: string, input: z.infer<S>) => Promise<string>;
    /** What to show again in the form from the raw body (checkboxes, say). */
    typed?: (body: Record<string, unknown>) => Record<string, unknown>;
  },
): void {
  const path = `/surveys/:id/${options.name}`;
  router.get(path, requireRole(options.roles.view), async (req, res) => {
    res.render(options.view, await options.page(req.params.id as string));
  });
  router.post(path, requireRole(options.roles.edit), async (req, res) => {
    const surveyId = req.params.id as string;
    const back = `/surveys/${surveyId}/${options.name}`;
    try {
      flash(req, 'success', await options.save(surveyId, parseInput(options.schema, req.body)));
      res.redirect(303, back);
    } catch (err) {
      if (err instanceof ConflictError) {
        flash(req, 'error', err.message);
        return res.redirect(303, back);
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      renderInvalid(
        res,
        options.view,
        err,
        await options.page(surveyId, { values: { ...typedValues(body), ...options.typed?.(body) } }),
      );
    }
  });
}
