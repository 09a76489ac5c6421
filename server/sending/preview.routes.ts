import { Router } from 'express';
import { z } from 'zod';

import type { BrandingService } from '../branding/branding.service.js';
import type { Config } from '../config.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { SURVEY_LANGUAGES } from '../vocabulary/languages.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { parseInput } from '../web/validate.js';
import { sendEmailHtml } from './email-frame.js';
import { DeliveryError, type Mailer } from './mailer.js';
import { messages } from './sending.messages.js';
import { renderSurveyEmail } from './survey-email.js';

const previewQuerySchema = z.object({
  lang: z.enum(SURVEY_LANGUAGES, { error: `lang must be one of: ${SURVEY_LANGUAGES.join(', ')}` }).optional(),
});

/** A token-shaped placeholder: preview links lead nowhere real. */
const PREVIEW_TOKEN = 'preview-preview-preview-preview-preview-pre';

/**
 * The exact survey email, as the signed-in user would receive it: headers and plain text on a page,
 * the HTML part at its own address (shown in a sandboxed frame). The HTML needs inline styles, so only
 * that response relaxes style-src; it still allows no script at all.
 */
export function previewRouter(deps: {
  surveys: SurveysService;
  branding: BrandingService;
  config: Config;
  mailer: Mailer;
}): Router {
  const router = Router();

  /** The email as it would go out; `forMail` embeds the logo's bytes, else the preview links the app's copy. */
  async function build(
    surveyId: string,
    user: { email: string; name: string },
    lang: string | undefined,
    forMail = false,
  ) {
    const survey = await deps.surveys.get(surveyId);
    const logo = survey.logoId ? await deps.branding.logo({ id: survey.logoId }) : undefined;
    return {
      survey,
      email: renderSurveyEmail({
        survey,
        contact: { email: user.email, name: user.name, locale: lang ?? '' },
        token: PREVIEW_TOKEN,
        invitationId: 'preview',
        baseUrl: deps.config.baseUrl,
        mailFrom: deps.config.mailFrom,
        ...(logo
          ? {
              logo: forMail
                ? logo
                : {
                    width: logo.width,
                    height: logo.height,
                    url: `/surveys/${survey.id}/branding/logo/${logo.sha256.slice(0, 12)}`,
                  },
            }
          : {}),
      }),
    };
  }

  router.get('/surveys/:id/preview', requireRole('manager'), async (req, res) => {
    const { lang } = parseInput(previewQuerySchema, req.query);
    const { survey, email } = await build(req.params.id as string, req.user!, lang);
    res.render('surveys/preview', {
      title: `Preview: ${survey.name}`,
      survey,
      email,
      lang: email.language,
      languages: SURVEY_LANGUAGES.map((value) => ({ value, current: value === email.language })),
      headers: Object.entries(email.headers).map(([name, value]) => ({ name, value })),
    });
  });

  router.get('/surveys/:id/preview/email', requireRole('manager'), async (req, res) => {
    const { lang } = parseInput(previewQuerySchema, req.query);
    const { email } = await build(req.params.id as string, req.user!, lang);
    sendEmailHtml(res, email.html);
  });

  /** "Send me a test": the exact email, to the signed-in user, at once (not queued), subject marked [Test]. */
  router.post('/surveys/:id/test-send', requireRole('manager'), async (req, res) => {
    const { survey, email } = await build(req.params.id as string, req.user!, undefined, true);
    try {
      await deps.mailer.send({
        ...email,
        subject: `[Test] ${email.subject}`,
        messageId: `<test-${Date.now()}-${survey.id}@${new URL(deps.config.baseUrl).hostname}>`,
      });
      flash(
        req,
        'success',
        deps.mailer.kind === 'outbox'
          ? `Test email stored in the Outbox for ${req.user!.email} (no SMTP server is configured).`
          : `Test email sent to ${req.user!.email}.`,
      );
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      flash(req, 'error', messages.testSendFailed(err.message));
    }
    res.redirect(303, `/surveys/${survey.id}/preview`);
  });

  return router;
}
