import { Router } from 'express';

import { ValidationError } from '../lib/errors.js';
import { requireRole } from '../web/auth.js';
import type { Csrf } from '../web/csrf.js';
import { flash } from '../web/flash.js';
import { withUploadedFile } from '../web/upload.js';
import { parseInput } from '../web/validate.js';
import type { ContactImportService } from './contact-import.service.js';
import { messages } from './contacts.messages.js';
import { contactListQuerySchema } from './contacts.schemas.js';
import type { ContactsService } from './contacts.service.js';

export const MAX_IMPORT_BYTES = 100 * 1024 * 1024;

/** What other domains know about a contact, for their page: invitations, skips and answers, newest first. */
export type ContactHistory = (
  contactId: string,
) => Promise<{ invitations: unknown[]; skips: unknown[]; responses: unknown[]; autoReplies: unknown[] }>;

/** When each autopilot survey next surveys a contact, and why (autopilot's contactSchedule). */
export type ContactSchedule = (contactId: string) => Promise<unknown[]>;

/** The contact list, a contact's page, unsubscribing and deleting someone. */
export function contactsRouter(deps: {
  contacts: ContactsService;
  history: ContactHistory;
  schedule: ContactSchedule;
}): Router {
  const { contacts } = deps;
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

  router.get('/contacts/:id', requireRole('viewer'), async (req, res) => {
    const contact = await contacts.get(req.params.id as string);
    const [history, schedule] = await Promise.all([deps.history(contact.id), deps.schedule(contact.id)]);
    res.render('contacts/show', { title: contact.email, contact: { ...contact, ...history }, schedule });
  });

  router.post('/contacts/:id/unsubscribe', requireRole('manager'), async (req, res) => {
    await contacts.unsubscribe(req.params.id as string);
    flash(req, 'success', messages.unsubscribed);
    res.redirect(303, `/contacts/${req.params.id as string}`);
  });

  router.get('/contacts/:id/delete', requireRole('manager'), async (req, res) => {
    const contact = await contacts.get(req.params.id as string);
    res.render('contacts/delete', { title: `Delete ${contact.email}`, contact });
  });

  router.post('/contacts/:id/delete', requireRole('manager'), async (req, res) => {
    const { email } = await contacts.remove(req.params.id as string);
    flash(req, 'success', messages.deleted(email));
    res.redirect(303, '/contacts');
  });

  return router;
}

/** Importing contacts from a CSV upload, and each import's report. Mounted before contactsRouter. */
export function contactImportRouter(deps: { contactImports: ContactImportService; csrf: Csrf }): Router {
  const router = Router();
  const importPage = { title: 'Import contacts', maxMb: MAX_IMPORT_BYTES / 1024 / 1024 };

  router.get('/contacts/import', requireRole('manager'), (_req, res) => {
    res.render('contacts/import', importPage);
  });

  router.post(deps.csrf.uploadRoute('/contacts/import'), requireRole('manager'), async (req, res) => {
    try {
      const { id } = await withUploadedFile(
        req,
        { csrf: deps.csrf, field: 'file', maxBytes: MAX_IMPORT_BYTES },
        (file, fileName) => deps.contactImports.runImport(file, { source: 'upload', fileName, userId: req.user!.id }),
      );
      res.redirect(303, `/contacts/imports/${id}`);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('contacts/import', { ...importPage, formError: err.message, errors: err.fields });
    }
  });

  router.get('/contacts/imports/:id', requireRole('manager'), async (req, res) => {
    const run = await deps.contactImports.getImport(req.params.id as string);
    if (!run)
      return res
        .status(404)
        .render('errors/404', { title: 'Import not found', message: 'That import does not exist.' });
    res.render('contacts/import-report', { title: 'Import report', run, latin1Note: messages.csvLatin1 });
  });

  return router;
}
