import { expect } from 'chai';
import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import { createOutboxMailer } from '../../server/sending/outbox.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';

const DAY = 86_400_000;

describe('event triggers: POST /api/v1/surveys/:id/triggers', () => {
  const ctx = useTestContext();
  let key: string;
  beforeEach(async () => {
    key = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'Shop',
        scope: 'read_write',
      })
    ).key;
  });
  const trigger = (surveyId: unknown, body: unknown, k = key) =>
    request(ctx.app)
      .post(`/api/v1/surveys/${String(surveyId)}/triggers`)
      .set('Authorization', `Bearer ${k}`)
      .send(body as object);
  const order = (n: number, extra: Record<string, unknown> = {}) => ({
    idempotencyKey: `order-${n}`,
    contact: { email: 'Ana@Example.com', name: 'Ana', properties: { plan: 'Pro' } },
    properties: { last_order: `A-${n}` },
    delayDays: 3,
    ...extra,
  });

  it('upserts the contact and schedules one invitation 3 days out, which the worker sends then and not before', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const now = ctx.clock.now();
    const res = await trigger(survey._id, order(1)).expect(200);
    expect(res.body.data).to.include({ idempotencyKey: 'order-1', status: 'scheduled', replayed: false });
    expect(new Date(res.body.data.sendAt).getTime()).to.equal(now.getTime() + 3 * DAY);

    const contact = await ctx.models.contacts.findOne({ email: 'ana@example.com' }).lean();
    expect(contact!.properties).to.deep.equal({ plan: 'Pro', last_order: 'A-1' });
    const invitation = await ctx.models.invitations.findById(res.body.data.invitationId).lean();
    expect(invitation).to.deep.include({ source: 'trigger', status: 'queued' });
    expect(String(invitation!.contactId)).to.equal(String(contact!._id));

    const worker = ctx.services.newSendWorker({
      mailer: createOutboxMailer(ctx.models.outboxMessages),
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
    });
    await worker.runOnce();
    expect(await ctx.models.outboxMessages.countDocuments({})).to.equal(0);
    ctx.clock.advance(3 * DAY);
    await worker.runOnce();
    expect(await ctx.models.outboxMessages.countDocuments({ to: 'Ana <ana@example.com>' })).to.equal(1);
  });

  it('answers a retry with the first outcome and never schedules twice, also when the retries race', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const first = await trigger(survey._id, order(7)).expect(200);
    const again = await trigger(survey._id, order(7)).expect(200);
    expect(again.body.data).to.deep.equal({ ...first.body.data, replayed: true });

    // Eight copies of a new event at once: one decides, the rest replay it or are told to retry.
    const racing = await Promise.all(
      Array.from({ length: 8 }, () => trigger(survey._id, order(8, { throttleDays: 0 }))),
    );
    for (const r of racing) expect([200, 409]).to.include(r.status);
    const decided = racing.filter((r) => r.status === 200).map((r) => r.body.data.invitationId as string);
    expect(new Set(decided).size).to.equal(1);
    const busy = racing.find((r) => r.status === 409);
    if (busy) expect(busy.body.error.code).to.equal('IDEMPOTENCY_IN_PROGRESS');
    expect(await ctx.models.invitations.countDocuments({ source: 'trigger' })).to.equal(2);
    expect(await ctx.models.triggers.countDocuments({})).to.equal(2);
  });

  it('refuses the same key with a different request (409) and changes nothing', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await trigger(survey._id, order(1)).expect(200);
    const res = await trigger(survey._id, order(1, { delayDays: 5 })).expect(409);
    expect(res.body.error.code).to.equal('IDEMPOTENCY_KEY_REUSED');
    expect(res.body.error.message).to.contain('order-1');
    expect(await ctx.models.invitations.countDocuments({})).to.equal(1);
  });

  it('skips, with the reason, a contact who is unsubscribed or was surveyed within the throttle', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await trigger(survey._id, order(1)).expect(200);
    // A second order tomorrow: the first survey is scheduled 3 days out, within the 90-day throttle.
    ctx.clock.advance(DAY);
    const second = await trigger(survey._id, order(2)).expect(200);
    expect(second.body.data).to.include({ status: 'skipped', reason: 'recently_surveyed' });
    expect(second.body.data).not.to.have.property('invitationId');
    expect(second.body.data.message).to.contain('90-day throttle');

    await ctx.models.contacts.collection.insertOne({
      email: 'gone@example.com',
      properties: {},
      unsubscribedAt: ctx.clock.now(),
    });
    const gone = await trigger(survey._id, {
      idempotencyKey: 'order-3',
      contact: { email: 'gone@example.com' },
    }).expect(200);
    expect(gone.body.data).to.include({ status: 'skipped', reason: 'unsubscribed' });
    expect(await ctx.models.invitations.countDocuments({})).to.equal(1);
    expect((await ctx.models.sendSkips.find({}).lean()).map((s) => s.reason).sort()).to.deep.equal([
      'recently_surveyed',
      'unsubscribed',
    ]);
  });

  it('rejects bad input with the field named, a draft survey with 409, and a read-only key with 403; nothing is written', async () => {
    const draft = await makeSurvey(ctx);
    const active = await makeSurvey(ctx, { status: 'active' });
    const cases: [unknown, number, string][] = [
      [{ contact: { email: 'a@example.com' } }, 400, 'idempotencyKey'],
      [{ idempotencyKey: 'k 1', contact: { email: 'a@example.com' } }, 400, 'idempotencyKey'],
      [{ idempotencyKey: 'k1', contact: { email: 'not-an-email' } }, 400, 'contact.email'],
      [{ idempotencyKey: 'k1', contact: { email: 'a@example.com' }, delayDays: -1 }, 400, 'delayDays'],
      [{ idempotencyKey: 'k1', contact: { email: 'a@example.com', $where: '1' } }, 400, 'contact'],
      [{ idempotencyKey: 'k1', contact: { email: 'a@example.com' }, properties: { 'a.b': 'x' } }, 400, 'properties'],
    ];
    for (const [body, status, field] of cases) {
      const res = await trigger(active._id, body).expect(status);
      expect(res.body.error.message, JSON.stringify(body)).to.contain(field);
    }
    // A corrected request may reuse the key of one refused for its contact.
    await trigger(active._id, { idempotencyKey: 'k1', contact: { email: 'a@example.com' } }).expect(200);

    const draftRes = await trigger(draft._id, order(1)).expect(409);
    expect(draftRes.body.error.code).to.equal('SURVEY_NOT_ACTIVE');
    const readKey = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'BI',
        scope: 'read',
      })
    ).key;
    await trigger(active._id, order(2), readKey).expect(403);
    expect(await ctx.models.invitations.countDocuments({})).to.equal(1);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(1);
  });
  it('lists the latest triggers and their outcomes on the survey page', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await trigger(survey._id, order(1)).expect(200);
    await trigger(survey._id, order(2)).expect(200); // same customer a moment later: throttled
    const page = await (await signedInAs(ctx, 'viewer')).get(`/surveys/${String(survey._id)}`).expect(200);
    expect(page.text).to.contain('Event triggers');
    expect(page.text).to.contain('1 scheduled, 1 skipped');
    expect(page.text).to.contain('<code>order-2</code></td><td>ana@example.com</td><td>skipped: recently_surveyed');
    expect(page.text).to.match(/<code>order-1<\/code><\/td><td>ana@example.com<\/td><td>scheduled for \d+ \w+ \d{4}/);
  });
  it('takes over a request whose process died, 30 s after it arrived, however often the caller retried meanwhile', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const body = order(5);
    // The first request claimed its key and died before deciding: only the claim is stored.
    const first = await trigger(survey._id, body).expect(200);
    await ctx.models.invitations.deleteMany({});
    await ctx.models.contacts.updateMany({}, { $unset: { lastSurveyedAt: 1 } });
    await ctx.models.triggers.updateOne(
      { key: 'order-5' },
      {
        $set: { state: 'received', receivedAt: ctx.clock.now() },
        $unset: { invitationId: 1, sendAt: 1, decidedAt: 1, message: 1 },
      },
    );
    for (const wait of [0, 10_000, 10_000]) {
      ctx.clock.advance(wait);
      const busy = await trigger(survey._id, body).expect(409);
      expect(busy.body.error.code).to.equal('IDEMPOTENCY_IN_PROGRESS');
    }
    ctx.clock.advance(11_000); // 31 s after the first request arrived
    const taken = await trigger(survey._id, body).expect(200);
    expect(taken.body.data).to.include({ status: 'scheduled', replayed: false });
    expect(taken.body.data.id).to.equal(first.body.data.id);
    expect(await ctx.models.invitations.countDocuments({})).to.equal(1);
    expect((await trigger(survey._id, body).expect(200)).body.data).to.include({
      replayed: true,
      invitationId: taken.body.data.invitationId,
    });
  });
});
