/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';
import request from 'supertest';

import { createUser, signIn } from '../helpers/agent.js';
import { screenshotPath, useBrowser, waitForCanvasPixels } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const DAY = 86_400_000;

describe('the results page in Chromium', function () {
  this.timeout(60_000);
  const ctx = useTestContext();
  const b = useBrowser(ctx);

  it('draws every chart, keeps the numbers in tables, and has no axe-core violations', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', name: 'Customer NPS' });
    const now = ctx.clock.now().getTime();
    for (let week = 0; week < 12; week++) {
      const at = new Date(now - week * 7 * DAY);
      const plan = week % 2 === 0 ? 'Pro' : 'Free';
      await makeResponses(ctx, survey._id, [...repeat(10, 5 + week), ...repeat(8, 3), ...repeat(3, 2 + (week % 4))], {
        submittedAt: at,
        repurchase: 'probably_would',
        comment: 'Fine',
        contactSnapshot: { plan },
      });
    }
    await createUser(ctx, 'viewer');
    const context = await b.browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: false });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${b.baseUrl}/login`);
    await page.fill('#f-email', 'viewer@example.com');
    await page.fill('#f-password', 'correct horse battery staple');
    await page.click('button[type=submit]');
    await page.goto(`${b.baseUrl}/surveys/${String(survey._id)}/results?range=90d&segment=plan`);
    // Chart.js drew the trend: the canvas has non-transparent pixels.
    await waitForCanvasPixels(page, 'trend-chart');
    expect(await page.locator('svg.stacked-bar rect').count()).to.equal(3);
    expect(await page.locator('svg.distribution rect').count()).to.equal(11);
    expect(await page.locator('#trend-table tbody tr').count()).to.be.greaterThan(5);
    expect(errors).to.deep.equal([]);
    const shot = screenshotPath('results-desktop');
    if (shot) await page.screenshot({ path: shot, fullPage: true });

    // axe runs inside the page; CSP forbids injected scripts, so a second context lets it in.
    const axeContext = await b.browser.newContext({ viewport: { width: 375, height: 800 }, bypassCSP: true });
    const axePage = await axeContext.newPage();
    const agent = request.agent(b.baseUrl);
    await signIn(agent, 'viewer@example.com');
    const cookie = (await agent.get('/surveys')).request.cookies;
    await axeContext.addCookies(
      String(cookie ?? '')
        .split('; ')
        .filter(Boolean)
        .map((pair) => {
          const [name, ...rest] = pair.split('=');
          return { name: name!, value: rest.join('='), url: b.baseUrl };
        }),
    );
    for (const path of [
      `/surveys/${String(survey._id)}/results?range=90d&segment=plan`,
      `/surveys/${String(survey._id)}/results/comments`,
      '/surveys',
    ]) {
      await axePage.goto(`${b.baseUrl}${path}`);
      expect(axePage.url(), 'signed in').not.to.contain('/login');
      await axePage.evaluate(axeSource);
      const result = await axePage.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
            };
          }
        ).axe;
        return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      });
      expect(result.violations.map((v) => `${path}: ${v.id} (${v.nodes.length})`)).to.deep.equal([]);
    }
    await context.close();
    await axeContext.close();
  });
});
