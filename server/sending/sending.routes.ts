import { Router } from 'express';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { DEFAULT_THROTTLE_DAYS } from '../vocabulary/defaults.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import type { SendQueue } from './send-queue.service.js';
import { SKIP_LABELS, SKIP_REASONS } from './send-skip.model.js';
import { audienceFormSchema, audienceOptionsOf } from './sending.schemas.js';

export function sendingRouter(deps: {
  surveys: SurveysService;
  sendQueue: SendQueue;
  outbox: Models['outboxMessages'];
  logoByHash: (sha256: string) => Promise<{ contentType: string; data: Buffer } | undefined>;
}): Router {
  const { surveys, sendQueue, outbox } = deps;
  const router = Router();

  router.get('/surveys/:id/send', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const propertyKeys = await sendQueue.knownPropertyKeys();
    const values = { sampleMode: 'all', throttleDays: DEFAULT_THROTTLE_DAYS, ...typedValues(req.query) };
    const locals = { title: `Send ${survey.name}`, survey, propertyKeys, values };
    if (req.query.check === undefined) return res.render('surveys/send', locals);
    try {
      const form = parseInput(audienceFormSchema, req.query);
      const plan = await sendQueue.planAudience(survey.id, audienceOptionsOf(form));
      const skipped = SKIP_REASONS.map((reason) => ({ reason: SKIP_LABELS[reason], n: plan.skipped[reason] })).filter(
        (s) => s.n > 0,
      );
      res.render('surveys/send', {
        ...locals,
        plan,
        skipped,
        hidden: Object.entries(form)
          .filter(([k]) => k !== 'check')
          .map(([name, value]) => ({ name, value })),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      res.status(400).render('surveys/send', {
        ...locals,
        errors: err.fields,
        formError: 'Please correct the fields marked below.',
      });
    }
  });

  router.post('/surveys/:id/send', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const form = parseInput(audienceFormSchema, req.body);
    try {
      // Only records the request: a send worker creates the invitations, so this returns at once
      // however large the audience.
      await sendQueue.requestQueue(survey.id, audienceOptionsOf(form), req.user!.id);
      flash(
        req,
        'success',
        'Sending has started: invitations are created and sent in the background. The counts below update as they go out.',
      );
    } catch (err) {
      if (!(err instanceof ConflictError) && !(err instanceof ValidationError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, `/surveys/${survey.id}`);
  });

  router.get('/surveys/:id/progress.json', requireRole('viewer'), async (req, res) => {
    res.json(await sendQueue.progress(req.params.id as string));
  });

  router.post('/surveys/:id/resend-uncertain', requireRole('manager'), async (req, res) => {
    const n = await sendQueue.resendUncertain(req.params.id as string);
    flash(
      req,
      'success',
      `${n} uncertain invitation${n === 1 ? '' : 's'} queued again. Some recipients may now get the survey twice.`,
    );
    res.redirect(303, `/surveys/${req.params.id as string}`);
  });

  router.get('/outbox', requireRole('admin'), async (_req, res) => {
    const messages = await outbox.find({}).sort({ createdAt: -1 }).limit(200).select('to subject createdAt').lean();
    res.render('outbox/index', {
      title: 'Outbox',
      messages: messages.map((m) => ({ id: String(m._id), to: m.to, subject: m.subject, createdAt: m.createdAt })),
    });
  });

  async function outboxMessage(id: string) {
    const doc = mongoose.isValidObjectId(id) ? await outbox.findById(id).lean() : null;
    if (!doc) throw new NotFoundError('That message is not in the outbox.', 'NOT_IN_OUTBOX');
    return doc;
  }

  router.get('/outbox/:id', requireRole('admin'), async (req, res) => {
    const m = await outboxMessage(req.params.id as string);
    const headers = Object.entries((m.headers ?? {}) as Record<string, string>).map(([name, value]) => ({
      name,
      value,
    }));
    res.render('outbox/show', { title: m.subject, message: { ...m, id: String(m._id) }, headers });
  });

  router.get('/outbox/:id/html', requireRole('admin'), async (req, res) => {
    const m = await outboxMessage(req.params.id as string);
    // The email's own HTML: inline styles only, no script; links open outside the frame.
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    );
    res.set('X-Frame-Options', 'SAMEORIGIN');
    // An embedded logo (cid:logo-<sha256>@nps) is shown from the stored logo with that hash.
    const html = m.html.replace(/src="cid:logo-([a-f0-9]{64})@nps"/g, 'src="/outbox/logos/$1"');
    res.type('html').send(html.replace('<head>', '<head><base target="_blank">'));
  });

  router.get('/outbox/logos/:sha256', requireRole('admin'), async (req, res) => {
    const logo = await deps.logoByHash(req.params.sha256 as string);
    if (!logo) throw new NotFoundError('That logo is no longer stored (it was replaced or removed).', 'LOGO_NOT_FOUND');
    res.set('Cache-Control', 'private, max-age=3600');
    res.type(logo.contentType).send(logo.data);
  });

  return router;
}
