import { Router } from 'express';

import { ValidationError } from '../lib/errors.js';
import { requireRole } from '../web/auth.js';
import type { Csrf } from '../web/csrf.js';
import { flash } from '../web/flash.js';
import { withUploadedFile } from '../web/upload.js';
import { parseInput } from '../web/validate.js';
import type { createContactImportService } from './contact-import.service.js';
import { contactListQuerySchema } from './contacts.schemas.js';
import type { ContactsService } from './contacts.service.js';

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/** When each autopilot survey next surveys a contact, and why (autopilot.service contactSchedule). */
type ContactSchedule = (
  contactId: string,
) => Promise<{ surveyId: string; surveyName: string; dueAt: Date; why: string }[]>;

export function contactsRouter(deps: {
  contacts: ContactsService;
  contactImports: ReturnType<typeof createContactImportService>;
  csrf: Csrf;
  schedule: ContactSchedule;
}): Router {
  const { contacts, contactImports, csrf } = deps;
  const router = Router();

  router.get('/contacts', requireRole('viewer'), async (req, res) => {
    const query = parseInput(contactListQuerySchema, req.query);
    const result = await contacts.list(query);
    const link = (page: number) =>
      `/contacts?${new URLSearchParams({ ...(query.q ? { q: query.q } : {}), page: String(page) }).toString()}`;
    res.render('contacts/index', {
      title: 'Contacts',
      q: query.q,
      ...result,
      prevLink: result.page > 1 ? link(result.page - 1) : undefined,
      nextLink: result.page < result.pages ? link(result.page + 1) : undefined,
    });
  });

  router.get('/contacts/import', requireRole('manager'), (_req, res) => {
    res.render('contacts/import', { title: 'Import contacts', maxMb: MAX_IMPORT_BYTES / 1024 / 1024 });
  });

  router.post('/contacts/import', requireRole('manager'), async (req, res) => {
    try {
      const { id } = await withUploadedFile(
        req,
        { csrf, field: 'file', maxBytes: MAX_IMPORT_BYTES },
        (file, fileName) => contactImports.runImport(file, { source: 'upload', fileName, userId: req.user!.id }),
      );
      res.redirect(303, `/contacts/imports/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('contacts/import', {
        title: 'Import contacts',
        maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
        formError: err.message,
        errors: err.fields,
      });
    }
  });

  router.get('/contacts/imports/:id', requireRole('manager'), async (req, res) => {
    const run = await contactImports.getImport(req.params.id as string);
    if (!run)
      return res
        .status(404)
        .render('errors/404', { title: 'Import not found', message: 'That import does not exist.' });
    res.render('contacts/import-report', { title: 'Import report', run });
  });

  router.get('/contacts/:id', requireRole('viewer'), async (req, res) => {
    const contact = await contacts.get(req.params.id as string);
    res.render('contacts/show', { title: contact.email, contact, schedule: await deps.schedule(contact.id) });
  });

  router.post('/contacts/:id/unsubscribe', requireRole('manager'), async (req, res) => {
    await contacts.unsubscribe(req.params.id as string);
    flash(req, 'success', 'Unsubscribed: this contact will get no more survey email.');
    res.redirect(303, `/contacts/${req.params.id as string}`);
  });

  router.get('/contacts/:id/delete', requireRole('manager'), async (req, res) => {
    const contact = await contacts.get(req.params.id as string);
    res.render('contacts/delete', { title: `Delete ${contact.email}`, contact });
  });

  router.post('/contacts/:id/delete', requireRole('manager'), async (req, res) => {
    const { email } = await contacts.remove(req.params.id as string);
    flash(req, 'success', `${email} and their personal data are deleted. Their scores still count, anonymously.`);
    res.redirect(303, '/contacts');
  });

  return router;
}
