/// <reference lib="dom" />
import { expect } from 'chai';

import { createUser } from '../helpers/agent.js';
import { axeViolations, screenshotPath, signedInContext, useBrowser } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

/**
 * The pages issue 16 added - the home dashboard, chat notifications, email reports and their preview,
 * automatic replies, one answer's page - in Chromium at phone and desktop width, checked by axe, with
 * no horizontal scrolling on a phone and no CSP violation in the console.
 */
describe('alerts, reports and dashboard pages in Chromium', function () {
  this.timeout(180_000);
  const ctx = useTestContext({ OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true' });
  const b = useBrowser(ctx);

  it('pass axe at 375 px and 1280 px, without sideways scrolling, and work by keyboard', async () => {
    await createUser(ctx, 'admin');
    const survey = await makeSurvey(ctx, { status: 'active', name: 'Shop NPS' });
    const id = String(survey._id);
    const day = 86_400_000;
    for (let m = 0; m < 6; m++)
      await makeResponses(ctx, survey._id, [...repeat(9, 4 + m), ...repeat(3, 3)], {
        submittedAt: new Date(ctx.clock.now().getTime() - m * 30 * day),
        comment: m === 0 ? 'Delivery was late again' : '',
      });
    const [answer] = await ctx.models.responses.find({ comment: 'Delivery was late again' }).limit(1).lean();
    await ctx.models.chatDestinations.create({
      surveyId: survey._id,
      kind: 'slack',
      name: '#cs-alerts',
      urlSealed: 'x',
      urlMasked: 'https://hooks.slack.com/…XYZ1',
      rule: { when: 'detractors' },
      createdAt: ctx.clock.now(),
      switchedOffAt: ctx.clock.now(),
      switchedOffReason: 'Switched off after 24 hours in which no message arrived. Last error: HTTP 404.',
    });
    await ctx.models.reports.create({
      name: 'Weekly NPS',
      frequency: 'weekly',
      weekday: 1,
      sendTime: '08:00',
      recipients: [{ email: 'boss@example.org', tokenHash: 'h' }],
      createdAt: ctx.clock.now(),
    });
    const report = (await ctx.models.reports.findOne({}).lean())!;

    const pages = [
      ['/', 'dashboard'],
      [`/surveys/${id}/notifications`, 'chat'],
      [
        `/surveys/${id}/notifications/${String((await ctx.models.chatDestinations.findOne({}).lean())!._id)}`,
        'chat-log',
      ],
      ['/reports', 'reports'],
      [`/reports/${String(report._id)}`, 'report-preview'],
      [`/surveys/${id}/auto-replies`, 'auto-replies'],
      [`/responses/${String(answer!._id)}`, 'answer'],
    ] as const;
    const problems: string[] = [];
    for (const width of [375, 1280]) {
      const context = await signedInContext(b, 'admin@example.com', { width, height: 900 });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${width}px console: ${m.text()}`);
      });
      for (const [path, name] of pages) {
        expect((await page.goto(`${b.baseUrl}${path}`))?.status(), path).to.equal(200);
        for (const v of await axeViolations(page)) problems.push(`${width}px ${path}: ${v}`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (width === 375 && wide > 375) problems.push(`${path}: ${wide}px wide on a phone`);
        const shot = screenshotPath(`alerts-${name}-${width}`);
        if (shot) await page.screenshot({ path: shot, fullPage: true });
      }
      await context.close();
    }
    expect(problems).to.deep.equal([]);

    // By keyboard: the dashboard's survey choice and its button are reachable and work.
    const context = await signedInContext(b, 'admin@example.com', { width: 1280, height: 900 });
    const page = await context.newPage();
    await page.goto(`${b.baseUrl}/`);
    await page.focus('#d-survey');
    await page.keyboard.press('ArrowDown'); // the first survey
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/survey=/);
    expect(await page.textContent('.period')).to.contain('Shop NPS');
    await context.close();
  });
});
