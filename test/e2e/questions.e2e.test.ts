/// <reference lib="dom" />
import { expect } from 'chai';
import type { Page } from 'playwright-core';

import { createUser } from '../helpers/agent.js';
import { axeViolations, screenshotPath, signedInContext, useBrowser } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';
import { FIVE_QUESTIONS } from '../helpers/questions.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** axe's WCAG 2.1 AA rules and best practices, and no sideways scrolling at the page's width. */
async function accessible(page: Page, width: number): Promise<void> {
  expect(await axeViolations(page)).to.deep.equal([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(width);
}

describe('a CSAT survey with five additional questions in Chromium (issue 17)', function () {
  this.timeout(90_000);
  const ctx = useTestContext({}, { liveClock: true });
  const b = useBrowser(ctx);

  async function invitation() {
    const survey =
      (await ctx.models.surveys.findOne({ name: 'Questions' })) ??
      (await makeSurvey(ctx, {
        name: 'Questions',
        status: 'active',
        type: 'csat',
        companyName: 'Acme Bikes',
        questions: {
          recommend: 'How satisfied were you with {company}?',
          repurchase: 'Would you buy from {company} again?',
          reason: 'What is the main reason for your score?',
        },
        extraQuestions: FIVE_QUESTIONS,
      }));
    return makeInvitation(ctx, { survey });
  }

  it('works at 320 px with JavaScript off: every question shown with its condition in words, errors and all', async () => {
    const { token } = await invitation();
    // Scripts off for the page (axe is evaluated from outside, CSP bypassed for it).
    const context = await b.browser.newContext({ viewport: { width: 320, height: 700 }, bypassCSP: true });
    await context.route('**/*.js', (route) => route.abort());
    const page = await context.newPage();
    await page.goto(`${b.baseUrl}/r/${token}/2`);
    expect(await page.isChecked('input[name="score"][value="2"]')).to.be.true;
    expect(await page.locator('input[name="score"]').count()).to.equal(5);
    expect(await page.isVisible('text=What went wrong?')).to.be.true;
    expect(await page.isVisible('text=Only if your answer above is 1 to 2.')).to.be.true;
    await accessible(page, 320);
    const shot = screenshotPath('questions-320-nojs');
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    // The required question left blank: the page comes back with the message beside it.
    await sleep(2200);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#form-error');
    expect(await page.textContent('.extra-question.has-error .field-error')).to.contain(
      'Please answer “Which product did you buy?”.',
    );
    await accessible(page, 320);
    await page.check('input[name="q_q1"][value="o2"]');
    await page.check('input[name="q_q2"][value="o1"]');
    await page.check('input[name="q_q2"][value="o3"]');
    await page.check('input[name="q_q3"][value="4"]');
    await page.fill('input[name="q_q4"]', 'The lock was missing');
    await sleep(2200);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/thanks$/);
    await context.close();
    const stored = (await ctx.models.responses.findOne({}).lean())!;
    expect([stored.score, stored.category, stored.review]).to.deep.equal([2, 'detractor', 'none']);
    expect(stored.answers).to.deep.equal([
      { q: 'q1', choices: ['o2'] },
      { q: 'q2', choices: ['o1', 'o3'] },
      { q: 'q3', rating: 4 },
      { q: 'q4', text: 'The lock was missing' },
    ]);
  });

  it('with JavaScript on, asks the conditional question only for the scores it names', async () => {
    const { token } = await invitation();
    const context = await b.browser.newContext({ viewport: { width: 320, height: 700 }, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${b.baseUrl}/r/${token}/5`);
    await page.waitForLoadState('load');
    expect(await page.isVisible('text=What went wrong?')).to.be.false;
    await accessible(page, 320);
    const shot = screenshotPath('questions-320-js');
    if (shot) await page.screenshot({ path: shot, fullPage: true });
    // By keyboard: the score group, then down to a low score; the question appears.
    await page.focus('input[name="score"][value="5"]');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await page.isChecked('input[name="score"][value="1"]')).to.be.true;
    expect(await page.isVisible('text=What went wrong?')).to.be.true;
    await accessible(page, 320);
    await page.check('input[name="q_q1"][value="o1"]');
    await page.check('input[name="q_q2"][value="o2"]');
    // Back to a high score: the answer to the hidden question is not sent (the server would refuse it).
    await page.check('input[name="score"][value="4"]');
    expect(await page.isVisible('text=What went wrong?')).to.be.false;
    await sleep(2200);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/thanks$/);
    await context.close();
    const stored = (await ctx.models.responses.findOne({ score: 4 }).lean())!;
    expect(stored.answers).to.deep.equal([{ q: 'q1', choices: ['o1'] }]);
  });

  it('shows the CSAT results and the questions page without axe violations at 375 and 1280 px', async () => {
    const { survey } = await invitation();
    const answers = (i: number) => [
      { q: 'q1', choices: [['o1', 'o2', 'o3'][i % 3]!] },
      ...(i % 5 < 2 ? [{ q: 'q2', choices: ['o1', 'o2'] }] : []),
      { q: 'q3', rating: 1 + (i % 5) },
      ...(i % 4 === 0 ? [{ q: 'q4', text: `Note ${i}` }] : []),
    ];
    await ctx.models.responses.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        surveyId: survey._id,
        score: 1 + (i % 5),
        category: ['detractor', 'detractor', 'passive', 'promoter', 'promoter'][i % 5],
        channel: 'email',
        submittedAt: new Date(Date.now() - (i % 40) * 86_400_000),
        answers: answers(i),
        comment: i % 3 === 0 ? 'Fine' : '',
      })),
    );
    await ctx.services.aggregates.rebuild(survey._id);
    await createUser(ctx, 'manager', 'qm@example.com');
    for (const width of [375, 1280]) {
      const context = await signedInContext(b, 'qm@example.com', { width, height: 900 });
      const page = await context.newPage();
      for (const path of [
        `/surveys/${String(survey._id)}/results`,
        `/surveys/${String(survey._id)}/results?segment=${encodeURIComponent('$q:q1')}`,
        `/surveys/${String(survey._id)}/results/comments?question=q4`,
        `/surveys/${String(survey._id)}/questions`,
      ]) {
        await page.goto(`${b.baseUrl}${path}`);
        expect(await axeViolations(page), `${width}px ${path}`).to.deep.equal([]);
        expect(await page.evaluate(() => document.documentElement.scrollWidth), `${width}px ${path}`).to.be.at.most(
          width,
        );
        const shot = screenshotPath(
          `questions-${width}-${path
            .split('/')
            .slice(3)
            .join('-')
            .replace(/[^a-z0-9-]/gi, '_')}`,
        );
        if (shot) await page.screenshot({ path: shot, fullPage: true });
      }
      await context.close();
    }
  });
});
