import { Router } from 'express';
import { z } from 'zod';

import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { parseInput } from '../web/validate.js';
import { messages } from './responses.messages.js';
import type { TagsService } from './tags.service.js';

const removeSchema = z.object({ tag: z.string().trim().min(1).max(50) });

const tagInputSchema = z.object({
  tag: z.string().trim().min(1, { error: 'Type a tag.' }).max(50, { error: 'Use at most 50 characters.' }),
  action: z.enum(['add', 'remove'], { error: 'Unknown action.' }),
  // Where to go back to: only a results page of this app.
  back: z.string().regex(/^\/surveys\/[a-f0-9]{24}\/results[^\s]*$/, { error: 'Unknown page.' }),
});

/**
 * The managed list of tags: everyone sees it; managers tag an answer from the comments tab and
 * remove a tag (from every answer too).
 */
export function tagsRouter(deps: { tags: TagsService }): Router {
  const router = Router();
  router.get('/tags', requireRole('viewer'), async (_req, res) => {
    res.render('tags/index', { title: 'Tags', tags: await deps.tags.list() });
  });
  router.post('/responses/:id/tags', requireRole('manager'), async (req, res) => {
    const input = parseInput(tagInputSchema, req.body);
    await deps.tags.tag(req.params.id as string, input.tag, input.action === 'add');
    res.redirect(303, input.back);
  });
  router.post('/tags/remove', requireRole('manager'), async (req, res) => {
    const { tag } = parseInput(removeSchema, req.body);
    const untagged = await deps.tags.remove(tag);
    flash(req, 'success', messages.tagRemoved(deps.tags.normalise(tag), untagged));
    res.redirect(303, '/tags');
  });
  return router;
}
