/// <reference lib="dom" />
import { expect } from 'chai';

import { createUser } from '../helpers/agent.js';
import { axeViolations, screenshotPath, signedInContext, useBrowser } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey } from '../helpers/factories.js';

/**
 * The pages the acceptance run found awkward on a phone, at 375 px: the contacts list, the survey's
 * delivery table and the results page's filters. Measured in Chromium, and checked by axe.
 */
describe('phone layout at 375 px in Chromium', function () {
  this.timeout(120_000);
  const ctx = useTestContext();
  const b = useBrowser(ctx);

  it('shows contacts as cards with whole names, every delivery status on screen, and the NPS above the fold', async () => {
    await createUser(ctx, 'admin');
    const survey = await makeSurvey(ctx, { status: 'active' });
    const id = String(survey._id);
    const contacts = await ctx.models.contacts.insertMany(
      ['Anna Müller-Lüdenscheidt', 'Bartholomew Featherstonehaugh', 'Chiara Bianchi'].map((name, i) => ({
        email: `${name.split(' ')[0]!.toLowerCase()}.with.a.long.address.${i}@example.com`,
        name,
        properties: { plan: i === 0 ? 'Pro' : 'Free' },
      })),
    );
    await ctx.models.invitations.insertMany(
      (['sent', 'suppressed', 'uncertain'] as const).map((status, i) => ({
        surveyId: survey._id,
        contactId: contacts[i]!._id,
        tokenHash: `hash-${i}`,
        status,
        queuedAt: new Date(),
      })),
    );
    await makeResponses(ctx, survey._id, [10, 9, 3, 8], { channel: 'link', contactSnapshot: { plan: 'Pro' } });

    const context = await signedInContext(b, 'admin@example.com', { width: 375, height: 800 });
    const page = await context.newPage();
    const problems: string[] = [];
    const visit = async (path: string, name: string) => {
      expect((await page.goto(`${b.baseUrl}${path}`))?.status()).to.equal(200);
      for (const v of await axeViolations(page)) problems.push(`${path}: ${v}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      if (wide > 375) problems.push(`${path}: ${wide}px wide`);
      const shot = screenshotPath(`phone-${name}`);
      if (shot) await page.screenshot({ path: shot, fullPage: true });
    };

    await visit('/contacts', 'contacts');
    // Every cell of a card is inside the screen and not cut: the whole name shows.
    const cells = await page.$$eval('table.stacked td', (tds) =>
      tds.map((td) => ({
        text: td.textContent ?? '',
        right: td.getBoundingClientRect().right,
        cut: td.scrollWidth > td.clientWidth + 1,
      })),
    );
    expect(cells.filter((c) => c.right > 375 || c.cut)).to.deep.equal([]);
    expect(cells.map((c) => c.text)).to.include('Anna Müller-Lüdenscheidt');

    await visit(`/surveys/${id}`, 'survey');
    const statuses = await page.$$eval('#delivery td', (tds) =>
      tds.map((td) => ({ status: td.getAttribute('data-status'), right: td.getBoundingClientRect().right })),
    );
    expect(statuses.map((s) => s.status)).to.deep.equal([
      'queued',
      'sending',
      'sent',
      'failed',
      'suppressed',
      'uncertain',
    ]);
    expect(statuses.filter((s) => s.right > 375)).to.deep.equal([]);

    await visit(`/surveys/${id}/results?range=90d&segment=plan`, 'results');
    // The filters are one line ("Last 90 days · all contacts · every channel · by plan") above the NPS.
    expect(await page.textContent('.filters-details summary')).to.contain('Last 90 days · all contacts');
    expect(await page.isVisible('#range')).to.equal(false);
    const firstScreen = screenshotPath('phone-results-first-screen');
    if (firstScreen) await page.screenshot({ path: firstScreen });
    const npsTop = await page.$eval('.nps-number', (e) => e.getBoundingClientRect().top);
    expect(npsTop, 'the NPS is on the first screen').to.be.below(800);
    // Opening the summary shows the fields; applying them keeps the form usable by keyboard.
    await page.click('.filters-details summary');
    expect(await page.isVisible('#range')).to.equal(true);
    await page.selectOption('#range', '12m');
    await page.focus('.filters .field-submit button');
    await page.keyboard.press('Enter');
    await page.waitForURL(/range=12m/);
    expect(await page.textContent('.filters-details summary')).to.contain('Last 12 months');

    // On a wide screen the fields show without opening anything.
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.isVisible('#range')).to.equal(true);
    const shot = screenshotPath('desktop-results');
    if (shot) await page.screenshot({ path: shot });
    await context.close();
    expect(problems).to.deep.equal([]);
  });
});
