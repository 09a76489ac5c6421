/// <reference lib="dom" />
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect } from 'chai';

import { screenshotPath, useBrowser } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation } from '../helpers/factories.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the response page in Chromium', function () {
  this.timeout(60_000);
  // Live clock: the page script waits in real time, and the server measures time on the page with it.
  const ctx = useTestContext({}, { liveClock: true });
  const b = useBrowser(ctx);

  it('a headless scanner that opens every link and runs the page scripts without input answers nothing', async () => {
    const { token, invitation } = await makeInvitation(ctx);
    const context = await b.browser.newContext({ userAgent: 'Mozilla/5.0 (compatible; LinkScanner)' });
    const pages = await Promise.all(Array.from({ length: 11 }, () => context.newPage()));
    await Promise.all(pages.map((page, score) => page.goto(`${b.baseUrl}/r/${token}/${score}`, { waitUntil: 'load' })));
    // The hidden link answers 204 (no page to show), so fetch it the way a scanner does, not as a navigation.
    expect((await context.request.get(`${b.baseUrl}/r/${token}/check`)).status()).to.equal(204);
    // Longer than the page script's own wait (2.5 s after a human signal): nothing may arrive.
    await sleep(4000);
    await context.close();
    expect(await ctx.models.responses.countDocuments({})).to.equal(0);
    const after = await ctx.models.invitations.findById(invitation._id).lean();
    expect(after!.firstClickedAt).to.be.instanceOf(Date);
    expect(after!.respondedAt).to.equal(undefined);
    expect(after!.honeypotClients).to.have.length(1);
  });

  it('saves the clicked score for a person who moves the pointer and then closes the tab', async () => {
    const { token } = await makeInvitation(ctx);
    const context = await b.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${b.baseUrl}/r/${token}/9`);
    await page.mouse.move(40, 200);
    await page.mouse.move(120, 260);
    await sleep(3500);
    await context.close();
    const stored = await ctx.models.responses.find({}).lean();
    expect(stored).to.have.length(1);
    expect([stored[0]!.score, stored[0]!.category, stored[0]!.review]).to.deep.equal([9, 'promoter', 'none']);
  });

  it('works with JavaScript off, by keyboard alone', async () => {
    const { token } = await makeInvitation(ctx);
    const context = await b.browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${b.baseUrl}/r/${token}/3`);
    expect(await page.isChecked('input[name="score"][value="3"]')).to.be.true;
    // Arrow keys move through the 0-10 radio group; Tab leaves it for the next question.
    await page.focus('input[name="score"][value="3"]');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Friendly, but the app crashes.');
    await sleep(2200);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/thanks$/);
    expect(await page.textContent('h1')).to.equal('Thank you!');
    await context.close();
    const r = (await ctx.models.responses.findOne({}).lean())!;
    expect([r.score, r.repurchase, r.comment, r.review]).to.deep.equal([
      4,
      'definitely_would',
      'Friendly, but the app crashes.',
      'none',
    ]);
  });

  it('has no axe-core violations and fits a 320 px wide phone, before and after an error', async () => {
    const { token } = await makeInvitation(ctx, { locale: 'de' });
    const context = await b.browser.newContext({ viewport: { width: 320, height: 640 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${b.baseUrl}/r/${token}/6`);
    const shot = screenshotPath('respond-320');
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    const check = async () => {
      await page.evaluate(axeSource);
      const result = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
            };
          }
        ).axe;
        return axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
        });
      });
      expect(result.violations.map((v) => `${v.id} (${v.nodes.length})`)).to.deep.equal([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(320);
    };
    await check();
    await page.fill('textarea[name="comment"]', 'x'.repeat(5000));
    await page.evaluate(() => document.querySelector('textarea')!.removeAttribute('maxlength'));
    await page.type('textarea[name="comment"]', 'y');
    await page.click('button[type="submit"]');
    await page.waitForSelector('#form-error');
    expect(await page.textContent('#form-error')).to.contain('Ihre Antwort ist noch nicht gespeichert');
    await check();
    await context.close();
    expect(await ctx.models.responses.countDocuments({})).to.equal(0);
  });
});
