import { Router } from 'express';
import { z } from 'zod';

import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { parseInput } from '../web/validate.js';
import type { TagsService } from './tags.service.js';

const removeSchema = z.object({ tag: z.string().trim().min(1).max(50) });

/** The managed list of tags: everyone sees it; managers remove a tag (from every answer too). */
export function tagsRouter(deps: { tags: TagsService }): Router {
  const router = Router();
  router.get('/tags', requireRole('viewer'), async (_req, res) => {
    res.render('tags/index', { title: 'Tags', tags: await deps.tags.list() });
  });
  router.post('/tags/remove', requireRole('manager'), async (req, res) => {
    const { tag } = parseInput(removeSchema, req.body);
    const untagged = await deps.tags.remove(tag);
    flash(
      req,
      'success',
      `Tag "${deps.tags.normalise(tag)}" removed from the list and from ${untagged} ${untagged === 1 ? 'answer' : 'answers'}.`,
    );
    res.redirect(303, '/tags');
  });
  return router;
}
