import { Router } from 'express';
import { z } from 'zod';
import { requireRole } from '../web/auth.js';
import { parseInput } from '../web/validate.js';
import type { ContactsService } from './contacts.service.js';

const listQuerySchema = z.object({
  page: z.coerce.number({ error: 'page must be a whole number' }).int().min(1).max(1_000_000).default(1),
});

export function contactsRouter(deps: { contacts: ContactsService }): Router {
  const router = Router();

  router.get('/contacts', requireRole('viewer'), async (req, res) => {
    const { page } = parseInput(listQuerySchema, req.query);
    const result = await deps.contacts.list(page);
    res.render('contacts/index', {
      title: 'Contacts',
      ...result,
      prevPage: result.page > 1 ? result.page - 1 : undefined,
      nextPage: result.page < result.pages ? result.page + 1 : undefined,
    });
  });

  return router;
}
