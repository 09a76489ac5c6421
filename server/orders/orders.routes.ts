import { Router } from 'express';

import { ValidationError } from '../lib/errors.js';
import { requireRole } from '../web/auth.js';
import type { Csrf } from '../web/csrf.js';
import { withUploadedFile } from '../web/upload.js';
import type { OrderImportService } from './order-import.service.js';

const MAX_BYTES = 100 * 1024 * 1024;

/** Order import page, for "said vs did" (the API's POST /api/v1/orders/bulk does the same). */
export function ordersRouter(deps: { orderImports: OrderImportService; csrf: Csrf }): Router {
  const router = Router();
  router.get('/orders/import', requireRole('manager'), (_req, res) => {
    res.render('orders/import', { title: 'Import orders' });
  });
  router.post(deps.csrf.uploadRoute('/orders/import'), requireRole('manager'), async (req, res) => {
    try {
      const report = await withUploadedFile(req, { csrf: deps.csrf, field: 'file', maxBytes: MAX_BYTES }, (file) =>
        deps.orderImports.importCsv(file),
      );
      res.render('orders/import', { title: 'Orders imported', report });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('orders/import', { title: 'Import orders', formError: err.message, errors: err.fields });
    }
  });
  return router;
}
