import { buffer } from 'node:stream/consumers';
import { Router } from 'express';

import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { requireRole } from '../web/auth.js';
import type { Csrf } from '../web/csrf.js';
import { flash } from '../web/flash.js';
import { settingsPage } from '../web/settings-page.js';
import { withUploadedFile } from '../web/upload.js';
import { messages } from './branding.messages.js';
import { brandSettingsSchema } from './branding.schemas.js';
import type { BrandingService } from './branding.service.js';
import { DEFAULT_ACCENT } from './colour.js';
import { MAX_LOGO_BYTES } from './logo-limits.js';

type BrandingDeps = { surveys: SurveysService; branding: BrandingService; csrf: Csrf };

/** The branding page's locals: the settings, the logo's details and any messages given. */
function brandingPage(deps: BrandingDeps) {
  return async (surveyId: string, locals: Record<string, unknown> = {}) => {
    const survey = await deps.surveys.get(surveyId);
    const brand = await deps.branding.get(survey.id);
    return {
      title: `Branding: ${survey.name}`,
      survey,
      brand,
      logoUrl: brand.logo ? `/surveys/${survey.id}/branding/logo/${brand.logo.sha256.slice(0, 12)}` : undefined,
      logoKb: brand.logo ? Math.ceil(brand.logo.bytes / 1024) : 0,
      values: { accentColor: brand.accentColor || DEFAULT_ACCENT, footerText: brand.footerText },
      maxKb: MAX_LOGO_BYTES / 1024,
      ...locals,
    };
  };
}

/** Branded email: logo upload, accent colour and footer per survey, with a link to the preview. */
export function brandingRouter(deps: BrandingDeps): Router {
  const router = Router();
  const page = brandingPage(deps);

  settingsPage(router, {
    name: 'branding',
    view: 'branding/show',
    roles: { view: 'manager', edit: 'manager' },
    schema: brandSettingsSchema,
    page,
    save: async (surveyId, input) => {
      await deps.branding.update(surveyId, input);
      return messages.saved;
    },
  });

  router.post(deps.csrf.uploadRoute('/surveys/:id/branding/logo'), requireRole('manager'), async (req, res) => {
    const surveyId = req.params.id as string;
    try {
      await withUploadedFile(
        req,
        {
          csrf: deps.csrf,
          field: 'logo',
          maxBytes: MAX_LOGO_BYTES,
          noFileMessage: messages.noFile,
          tooLargeMessage: messages.uploadTooLarge,
        },
        // The survey is looked up only once the form's token has been verified.
        async (file) => {
          await deps.surveys.get(surveyId);
          return deps.branding.saveLogo(surveyId, await buffer(file));
        },
      );
      flash(req, 'success', messages.logoSaved);
      res.redirect(303, `/surveys/${surveyId}/branding`);
    } catch (err) {
      if (err instanceof ConflictError) {
        // The survey was closed meanwhile: back to the page, which says so.
        flash(req, 'error', err.message);
        return res.redirect(303, `/surveys/${surveyId}/branding`);
      }
      const status = (err as { status?: number }).status === 413 ? 413 : 400;
      if (!(err instanceof ValidationError) && status !== 413) throw err;
      const message = (err as Error).message;
      res
        .status(status)
        .render('branding/show', await page(surveyId, { errors: { logo: message }, logoError: message }));
    }
  });

  router.post('/surveys/:id/branding/logo/remove', requireRole('manager'), async (req, res) => {
    const surveyId = req.params.id as string;
    try {
      await deps.branding.removeLogo(surveyId);
      flash(req, 'success', messages.logoRemoved);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, `/surveys/${surveyId}/branding`);
  });

  // The logo as the app shows it (branding page and preview); emails carry their own copy inline.
  router.get('/surveys/:id/branding/logo{/:version}', requireRole('manager'), async (req, res) => {
    const survey = await deps.surveys.get(req.params.id as string);
    const logo = survey.logoId ? await deps.branding.logo({ id: survey.logoId }) : undefined;
    if (!logo) throw new NotFoundError(messages.noLogo, 'LOGO_NOT_FOUND');
    res.set('Cache-Control', 'private, max-age=86400');
    res.set('X-Content-Type-Options', 'nosniff');
    res.type(logo.contentType).send(logo.data);
  });

  return router;
}
