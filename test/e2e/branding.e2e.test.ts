/// <reference lib="dom" />
import { expect } from 'chai';

import { renderSurveyEmail } from '../../server/sending/survey-email.js';
import { createUser } from '../helpers/agent.js';
import { axeViolations, screenshotPath, signedInContext, useBrowser } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { pngOf } from '../helpers/images.js';

describe('branded email and the autopilot pages in Chromium', function () {
  this.timeout(60_000);
  const ctx = useTestContext();
  const b = useBrowser(ctx);

  function brandedEmail(accentColor: string) {
    const logo = pngOf(160, 48, [20, 20, 20]);
    return renderSurveyEmail({
      survey: {
        id: 's',
        name: 'NPS',
        companyName: 'Acme',
        recommendQuestion: 'How likely are you to recommend {company} to a friend or colleague?',
        senderName: '',
        replyTo: '',
        emailSubject: '',
        emailIntro: 'Thanks for your order last week.',
        language: 'en',
        accentColor,
        footerText: 'Acme GmbH\nHauptstraße 1\n10115 Berlin',
      },
      contact: { email: 'ana@example.com', name: 'Ana', locale: 'en' },
      token: 'x'.repeat(43),
      invitationId: 'i',
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
      // Linked as a data: URI here; real mail embeds the same bytes as a cid: attachment.
      logo: { width: 160, height: 48, url: `data:image/png;base64,${logo.toString('base64')}` },
    }).html;
  }

  for (const scheme of ['light', 'dark'] as const) {
    for (const accent of ['#1d4ed8', '#ffcc00']) {
      it(`renders legibly in ${scheme} mode with accent ${accent}: no contrast violations, the logo on its white plate`, async () => {
        const context = await b.browser.newContext({ viewport: { width: 375, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        await page.setContent(brandedEmail(accent));
        // No helper functions inside evaluate: the test runner's transpiler would name them with a helper the page lacks.
        const colours = await page.evaluate(() => ({
          card: getComputedStyle(document.querySelector('.card')!).backgroundColor,
          text: getComputedStyle(document.querySelector('.inner')!).color,
          plate: getComputedStyle(document.querySelector('.logo-plate')!).backgroundColor,
          logoLoaded: document.querySelector<HTMLImageElement>('img.logo')!.naturalWidth,
        }));
        if (scheme === 'dark')
          expect([colours.card, colours.text]).to.deep.equal(['rgb(31, 35, 41)', 'rgb(232, 234, 237)']);
        else expect([colours.card, colours.text]).to.deep.equal(['rgb(255, 255, 255)', 'rgb(27, 31, 36)']);
        expect(colours.plate).to.equal('rgb(255, 255, 255)');
        expect(colours.logoLoaded).to.equal(160);
        expect(await axeViolations(page, ['color-contrast'])).to.deep.equal([]);
        const shot = screenshotPath(`email-${scheme}-${accent.slice(1)}`);
        if (shot) await page.screenshot({ path: shot, fullPage: true });
        await context.close();
      });
    }
  }

  it('the autopilot, branding and contact pages have no axe-core violations on a phone', async () => {
    const survey = await makeSurvey(ctx, {
      status: 'active',
      autopilot: { enabled: true, everyDays: 90, startedAt: new Date(), dailyCap: 5 },
      brand: { accentColor: '#0f766e', footerText: 'Acme GmbH' },
    });
    const logo = await ctx.models.brandLogos.create({
      surveyId: survey._id,
      data: pngOf(120, 40),
      contentType: 'image/png',
      bytes: 200,
      sha256: 'a'.repeat(64),
      width: 120,
      height: 40,
    });
    await ctx.models.surveys.updateOne({ _id: survey._id }, { $set: { 'brand.logoId': logo._id } });
    const [contact] = await ctx.models.contacts.create([{ email: 'ana@example.com', name: 'Ana' }]);
    await ctx.models.autopilotEntries.create({
      surveyId: survey._id,
      contactId: contact!._id,
      dueAt: new Date(Date.now() + 3 * 86_400_000),
      cycle: 0,
      firstDueBasis: 'joined',
      joinedAt: new Date(),
    });
    await createUser(ctx, 'manager');
    const context = await signedInContext(b, 'manager@example.com');
    const page = await context.newPage();
    for (const [name, path] of [
      ['autopilot', `/surveys/${String(survey._id)}/autopilot`],
      ['branding', `/surveys/${String(survey._id)}/branding`],
      ['contact', `/contacts/${String(contact!._id)}`],
      ['survey', `/surveys/${String(survey._id)}`],
    ] as const) {
      await page.goto(`${b.baseUrl}${path}`);
      expect(page.url(), 'signed in').not.to.contain('/login');
      expect(await axeViolations(page), path).to.deep.equal([]);
      const shot = screenshotPath(`${name}-phone`);
      if (shot) await page.screenshot({ path: shot, fullPage: true });
    }
    await context.close();
  });
});
