/// <reference lib="dom" />
import { expect } from 'chai';
import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import { createUser, csrfTokenOf, signIn } from '../helpers/agent.js';
import { axeViolations, screenshotPath, signedInContext, useBrowser } from '../helpers/browser.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';

const stampOf = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)![1]!;

/** Every page a signed-in person can open, with data on it, checked by axe-core at phone and desktop widths. */
describe('every signed-in page in Chromium', function () {
  this.timeout(180_000);
  const ctx = useTestContext();
  const b = useBrowser(ctx);

  it('has no axe-core violations (WCAG 2.1 AA) at 375 and 1280 pixels', async () => {
    await createUser(ctx, 'admin');
    const admin = request.agent(b.baseUrl);
    await signIn(admin, 'admin@example.com');
    const survey = await makeSurvey(ctx, { status: 'active', webLinkId: 'abcdefghijklmnopqrstuv' });
    const surveyId = String(survey._id);
    // Answers: a promoter, a detractor (opens a follow-up case) and a flagged one (for review).
    const answers = [
      { score: '10', wait: 12 },
      { score: '3', wait: 12 },
      { score: '0', wait: 0.5 },
    ];
    for (const a of answers) {
      const inv = await makeInvitation(ctx, { survey });
      const page = await request(ctx.app).get(`/r/${inv.token}/${a.score}`);
      ctx.clock.advance(a.wait * 1000);
      await request(ctx.app)
        .post(`/r/${inv.token}`)
        .type('form')
        .send({ stamp: stampOf(page.text), score: a.score, repurchase: 'not_sure', comment: `Because ${a.score}` })
        .expect(303);
    }
    const followUp = await ctx.models.followUps.findOne({}).lean();
    expect(followUp, 'the detractor opened a case').to.not.equal(null);
    const contact = await ctx.models.contacts.findOne({}).lean();
    // A contact import, an outbox message, a webhook, a tag and an API key.
    const importPage = await admin.get('/contacts/import').expect(200);
    const imported = await admin
      .post('/contacts/import')
      .field('_csrf', csrfTokenOf(importPage.text))
      .attach('file', Buffer.from('email,name,plan\nbo@example.com,Bo,Pro\nnot-an-email,X,Free\n'), 'contacts.csv')
      .expect(303);
    const previewPage = await admin.get(`/surveys/${surveyId}/preview`).expect(200);
    await admin
      .post(`/surveys/${surveyId}/test-send`)
      .type('form')
      .send({ _csrf: csrfTokenOf(previewPage.text) })
      .expect(303);
    const outbox = await ctx.models.outboxMessages.findOne({}).lean();
    const hooksPage = await admin.get(`/surveys/${surveyId}/webhooks`).expect(200);
    await admin
      .post(`/surveys/${surveyId}/webhooks`)
      .type('form')
      .send({ _csrf: csrfTokenOf(hooksPage.text), url: 'https://hooks.example.com/nps', events: ['response.created'] })
      .expect(201);
    const writeKey = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'Shop',
        scope: 'read_write',
      })
    ).key;
    await request(ctx.app)
      .post(`/api/v1/surveys/${surveyId}/triggers`)
      .set('Authorization', `Bearer ${writeKey}`)
      .send({
        idempotencyKey: 'order-10023',
        contact: { email: 'carla.with.a.rather.long.address@example.com' },
        delayDays: 3,
      })
      .expect(200);
    const tagsPage = await admin.get('/tags').expect(200);
    await admin
      .post('/tags')
      .type('form')
      .send({ _csrf: csrfTokenOf(tagsPage.text), name: 'Pricing' });

    const paths = [
      '/surveys',
      '/surveys/new',
      `/surveys/${surveyId}`,
      `/surveys/${surveyId}/edit`,
      `/surveys/${surveyId}/send`,
      `/surveys/${surveyId}/preview`,
      `/surveys/${surveyId}/results`,
      `/surveys/${surveyId}/results/comments`,
      `/surveys/${surveyId}/results/said-vs-did`,
      `/surveys/${surveyId}/review`,
      `/surveys/${surveyId}/webhooks`,
      `/surveys/${surveyId}/autopilot`,
      `/surveys/${surveyId}/branding`,
      '/contacts',
      '/contacts/import',
      String(imported.headers.location),
      `/contacts/${String(contact!._id)}`,
      `/contacts/${String(contact!._id)}/delete`,
      '/follow-ups',
      `/follow-ups/${String(followUp!._id)}`,
      '/tags',
      '/orders/import',
      '/outbox',
      `/outbox/${String(outbox!._id)}`,
      '/api-keys',
      '/users',
      '/account',
    ];
    const problems: string[] = [];
    for (const viewport of [
      { width: 375, height: 800 },
      { width: 1280, height: 900 },
    ]) {
      const context = await signedInContext(b, 'admin@example.com', viewport);
      const page = await context.newPage();
      for (const path of paths) {
        const response = await page.goto(`${b.baseUrl}${path}`);
        if (response?.status() !== 200) problems.push(`${path}: HTTP ${response?.status()}`);
        for (const v of await axeViolations(page)) problems.push(`${viewport.width}px ${path}: ${v}`);
        // Nothing may stick out sideways on a phone (tables scroll inside their own region).
        if (viewport.width === 375 && (await page.evaluate(() => document.documentElement.scrollWidth)) > 375) {
          const wide = await page.evaluate(() =>
            [...document.querySelectorAll('body *')]
              .filter((e) => e.getBoundingClientRect().right > 376 && !e.closest('.table-wrap'))
              .slice(0, 3)
              .map(
                (e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)}px)`,
              ),
          );
          problems.push(`${path}: wider than the phone: ${wide.join(', ')}`);
        }
        const shot = screenshotPath(`page-${viewport.width}${path.replace(/[^a-z0-9]+/gi, '-')}`);
        if (shot) await page.screenshot({ path: shot, fullPage: true });
      }
      await context.close();
    }
    expect(problems).to.deep.equal([]);
  });
});
