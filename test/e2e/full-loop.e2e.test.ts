/// <reference lib="dom" />
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';

import { createSmtpMailer } from '../../server/sending/mailer.js';
import { createUser } from '../helpers/agent.js';
import { useBrowser, waitForCanvasPixels } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PASSWORD = 'correct horse battery staple';

describe('the whole loop in Chromium: create, import, send, answer, results, export', function () {
  this.timeout(120_000);
  const ctx = useTestContext({}, { liveClock: true });
  const b = useBrowser(ctx);
  let smtp: TestSmtp;
  const shots = process.env.SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'nps-e2e-screenshots');
  const violations: string[] = [];

  before(async () => {
    smtp = await startTestSmtp();
    mkdirSync(shots, { recursive: true });
  });
  after(async () => {
    await smtp?.close();
    process.stdout.write(`      screenshots: ${shots}\n`);
  });

  /** axe-core inside the page (evaluated, so the page's strict CSP is not loosened) and two screenshots. */
  async function check(page: Page, name: string) {
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    });
    violations.push(...result.violations.map((v) => `${name}: ${v.id} (${v.nodes.length})`));
    await page.screenshot({ path: path.join(shots, `${name}-desktop.png`), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    await page.screenshot({ path: path.join(shots, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  async function signIn(page: Page, email: string) {
    await page.goto(`${b.baseUrl}/login`);
    await page.fill('#f-email', email);
    await page.fill('#f-password', PASSWORD);
    await page.locator('main button[type=submit]').click();
    await page.waitForURL((url) => url.pathname === '/'); // the home dashboard
  }

  it('works end to end for admin, customer, manager and viewer', async () => {
    await createUser(ctx, 'admin', 'admin@example.com', PASSWORD);
    await createUser(ctx, 'viewer', 'viewer@example.com', PASSWORD);
    const admin = await (await b.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signIn(admin, 'admin@example.com');

    // Create and activate a survey.
    await admin.goto(`${b.baseUrl}/surveys/new`);
    await admin.fill('#f-name', 'Loop NPS');
    await admin.fill('#f-companyName', 'Acme Bikes');
    await admin.locator('main button[type=submit]').click();
    await admin.waitForURL(/\/edit$/);
    const surveyId = /\/surveys\/([a-f0-9]{24})\/edit/.exec(admin.url())![1]!;
    await admin.goto(`${b.baseUrl}/surveys/${surveyId}`);
    await admin.getByRole('button', { name: 'Activate' }).click();
    await admin.waitForSelector('text=The survey is active.');
    await check(admin, 'survey');

    // Import contacts from a CSV file.
    await admin.goto(`${b.baseUrl}/contacts/import`);
    await admin.setInputFiles('#f-file', {
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email,name,plan\r\nana@example.com,Ana,Pro\r\nbo@example.com,Bo,Free\r\n'),
    });
    await admin.locator('main button[type=submit]').click();
    await admin.waitForURL(/\/contacts\/imports\//);
    expect(await admin.textContent('main')).to.contain('2');
    await check(admin, 'import-report');

    // Send: check the audience, confirm, let a worker deliver to the SMTP server.
    await admin.goto(`${b.baseUrl}/surveys/${surveyId}/send`);
    await admin.getByRole('button', { name: 'Check who will get it' }).click();
    await admin.getByRole('button', { name: 'Send to 2 contacts' }).click();
    await admin.waitForURL(new RegExp(`/surveys/${surveyId}$`));
    const mailer = createSmtpMailer({ url: smtp.url, maxConnections: 2, ratePerSecond: 0 });
    const worker = ctx.services.newSendWorker({ mailer, baseUrl: b.baseUrl, policy: { concurrency: 4 } });
    while ((await worker.runOnce()) > 0);
    await mailer.close();
    expect(smtp.received.map((m) => m.to[0]).sort()).to.deep.equal(['ana@example.com', 'bo@example.com']);

    // A minute later (a link opened seconds after delivery is flagged as a scanner), the customer clicks
    // 9 in the email, answers the repurchase question and a comment.
    ctx.clock.advance(60_000);
    const anaMail = smtp.received.find((m) => m.to[0] === 'ana@example.com')!;
    const link = new RegExp(`${b.baseUrl}/r/[A-Za-z0-9_-]{43}/9`).exec(String(anaMail.parsed.text))![0];
    const customer = await (await b.browser.newContext({ viewport: { width: 375, height: 800 } })).newPage();
    await customer.goto(link);
    expect(await customer.isChecked('input[name="score"][value="9"]')).to.be.true;
    await check(customer, 'respond');
    await customer.getByLabel('Probably would', { exact: true }).check();
    await customer.fill('#comment', 'Quick repair, friendly staff.');
    await sleep(2100);
    await customer.getByRole('button', { name: 'Send my answer' }).click();
    await customer.waitForURL(/\/thanks$/);
    await check(customer, 'thanks');

    // The manager sees the answer in the results at once, with the trend drawn, and in the comments.
    await admin.goto(`${b.baseUrl}/surveys/${surveyId}/results?range=30d`);
    expect(await admin.textContent('.nps-number')).to.equal('+100');
    await waitForCanvasPixels(admin, 'trend-chart');
    await check(admin, 'results');
    await admin.goto(`${b.baseUrl}/surveys/${surveyId}/results/comments?range=30d`);
    expect(await admin.textContent('.comments')).to.contain('Quick repair, friendly staff.');
    await check(admin, 'comments');

    // Export the CSV with the admin's session and read it with a real parser.
    const csv = await admin.context().request.get(`${b.baseUrl}/surveys/${surveyId}/results/export.csv?range=30d`);
    expect(csv.status()).to.equal(200);
    const rows: Record<string, string>[] = parse(await csv.text(), { columns: true });
    expect(rows.map((r) => [r.contact_email, r.score, r.repurchase, r.comment, r.property_plan])).to.deep.equal([
      ['ana@example.com', '9', 'Probably would', 'Quick repair, friendly staff.', 'Pro'],
    ]);

    // A viewer can read results but not send.
    const viewer = await (await b.browser.newContext()).newPage();
    await signIn(viewer, 'viewer@example.com');
    const forbidden = await viewer.goto(`${b.baseUrl}/surveys/${surveyId}/send`);
    expect(forbidden!.status()).to.equal(403);
    expect((await viewer.goto(`${b.baseUrl}/surveys/${surveyId}/results`))!.status()).to.equal(200);

    expect(violations).to.deep.equal([]);
  });
});
