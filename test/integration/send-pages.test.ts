import { expect } from 'chai';

import { createOutboxMailer } from '../../server/sending/outbox.js';
import { csrfTokenOf, formToken, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';

describe('send pages: audience check, confirm, progress, outbox', () => {
  const ctx = useTestContext();

  function outboxWorker(id?: string) {
    return ctx.services.newSendWorker({
      mailer: createOutboxMailer(ctx.models.outboxMessages),
      ...(id ? { workerId: id } : {}),
    });
  }
  async function drain() {
    const worker = outboxWorker();
    while ((await worker.runOnce()) > 0);
  }

  async function seedContacts() {
    const now = ctx.clock.now();
    await ctx.models.contacts.collection.insertMany([
      { email: 'a@example.com', name: 'A', properties: { plan: 'Pro' } },
      { email: 'b@example.com', name: 'B', properties: { plan: 'Pro' }, unsubscribedAt: now },
      { email: 'c@example.com', name: 'C', properties: { plan: 'Pro' }, lastSurveyedAt: now },
      { email: 'd@example.com', name: 'D', properties: { plan: 'Free' } },
    ]);
  }

  it('checks the audience without sending, then queues on confirm and shows delivery progress', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const id = String(survey._id);
    await seedContacts();
    const agent = await signedInAs(ctx, 'manager');

    const form = await agent.get(`/surveys/${id}/send`).expect(200);
    expect(form.text).to.contain('<option value="plan"');

    const check = await agent
      .get(`/surveys/${id}/send?check=1&filter1Key=plan&filter1Value=Pro&sampleMode=all&throttleDays=90`)
      .expect(200);
    expect(check.text).to.contain('1 contact will get the survey');
    expect(check.text).to.contain('3 match the filters; 1 are eligible.');
    expect(check.text).to.contain('<td>unsubscribed</td><td>1</td>');
    expect(check.text).to.contain('<td>surveyed recently (throttle)</td><td>1</td>');
    expect(await ctx.models.invitations.countDocuments({})).to.equal(0);

    await agent
      .post(`/surveys/${id}/send`)
      .type('form')
      .send({
        _csrf: csrfTokenOf(check.text),
        filter1Key: 'plan',
        filter1Value: 'Pro',
        sampleMode: 'all',
        throttleDays: '90',
      })
      .expect(303)
      .expect('location', `/surveys/${id}`);
    // The request only records what to send; it returns before any invitation exists.
    expect(await ctx.models.invitations.countDocuments({})).to.equal(0);
    let page = await agent.get(`/surveys/${id}`).expect(200);
    expect(page.text).to.contain('Sending has started');
    expect(page.text).to.contain('waiting for a send worker to create the invitations');

    await drain();
    page = await agent.get(`/surveys/${id}`).expect(200);
    expect(page.text).to.contain('1 invited, 2 skipped');
    expect(page.text).to.contain('<td role="cell" data-status="sent" data-label="Sent">1</td>');
    expect(page.text).to.contain('1 unsubscribed; 1 surveyed recently (throttle)');
    const progress = await agent.get(`/surveys/${id}/progress.json`).expect(200);
    expect((progress.body as { byStatus: Record<string, number> }).byStatus.sent).to.equal(1);
  });

  it('takes up a queueing request again when the worker carrying it out died', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await seedContacts();
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, `/surveys/${String(survey._id)}`);
    await agent
      .post(`/surveys/${String(survey._id)}/send`)
      .type('form')
      .send({ _csrf: token, sampleMode: 'all', throttleDays: '0' })
      .expect(303);
    // A worker claimed the request and vanished.
    await ctx.models.sendRuns.updateOne(
      {},
      { $set: { status: 'running', claimedBy: 'dead', claimedAt: ctx.clock.now() } },
    );
    const worker = outboxWorker('alive');
    expect(await worker.runOnce()).to.equal(0);
    ctx.clock.advance(11 * 60_000);
    await drain();
    expect(await ctx.models.invitations.countDocuments({})).to.equal(3);
    expect((await ctx.models.sendRuns.findOne({}).lean())!.status).to.equal('done');
  });

  it('explains bad audience input next to the field', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const agent = await signedInAs(ctx, 'manager');
    const res = await agent
      .get(
        `/surveys/${String(survey._id)}/send?check=1&sampleMode=percent&sampleValue=150&filter1Key=plan&throttleDays=-3`,
      )
      .expect(400);
    expect(res.text).to.contain('Enter a percentage above 0 and at most 100.');
    expect(res.text).to.contain('Choose a property and enter a value, or leave both empty.');
    expect(res.text).to.contain('Enter a number of days from 0 to 365.');
  });

  it('refuses to queue a draft survey, with a message', async () => {
    const survey = await makeSurvey(ctx);
    await seedContacts();
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, `/surveys/${String(survey._id)}`);
    await agent
      .post(`/surveys/${String(survey._id)}/send`)
      .type('form')
      .send({ _csrf: token, sampleMode: 'all', throttleDays: '90' })
      .expect(303);
    expect((await agent.get(`/surveys/${String(survey._id)}`).expect(200)).text).to.contain(
      'activate it before sending',
    );
    expect(await ctx.models.invitations.countDocuments({})).to.equal(0);
  });

  it('keeps viewers from sending but lets them see progress', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const agent = await signedInAs(ctx, 'viewer');
    await agent.get(`/surveys/${String(survey._id)}/send`).expect(403);
    const token = csrfTokenOf((await agent.get(`/surveys/${String(survey._id)}`).expect(200)).text);
    await agent
      .post(`/surveys/${String(survey._id)}/send`)
      .type('form')
      .send({ _csrf: token, sampleMode: 'all', throttleDays: '90' })
      .expect(403);
    await agent
      .post(`/surveys/${String(survey._id)}/resend-uncertain`)
      .type('form')
      .send({ _csrf: token })
      .expect(403);
    await agent.get(`/surveys/${String(survey._id)}/progress.json`).expect(200);
    await agent.get('/outbox').expect(403);
  });

  it('lets an admin open a message in the local outbox, with its score links', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await seedContacts();
    const admin = await signedInAs(ctx, 'admin');
    const token = await formToken(admin, `/surveys/${String(survey._id)}`);
    await admin
      .post(`/surveys/${String(survey._id)}/send`)
      .type('form')
      .send({ _csrf: token, sampleMode: 'all', throttleDays: '90' })
      .expect(303);
    await drain();
    const list = await admin.get('/outbox').expect(200);
    expect(list.text).to.contain('A &lt;a@example.com&gt;');
    expect(list.text).to.contain('D &lt;d@example.com&gt;');
    const id = /href="\/outbox\/([0-9a-f]{24})"/.exec(list.text)![1]!;
    const show = await admin.get(`/outbox/${id}`).expect(200);
    expect(show.text).to.match(/http:\/\/localhost:3000\/r\/[A-Za-z0-9_-]{43}\/10/);
    const html = await admin.get(`/outbox/${id}/html`).expect(200);
    expect(html.headers['content-security-policy']).to.contain("default-src 'none'");
    await admin.get('/outbox/000000000000000000000000').expect(404);
    const page = await admin.get(`/surveys/${String(survey._id)}`).expect(200);
    expect(page.text).to.contain('<td role="cell" data-status="sent" data-label="Sent">2</td>');
  });
});
