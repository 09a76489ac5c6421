import { expect } from 'chai';

import { inSample } from '../../server/autopilot/schedule.js';
import { dayIn } from '../../server/lib/time-zone.js';
import { createOutboxMailer } from '../../server/sending/outbox.js';
import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { autopilotHelpers } from '../helpers/autopilot.js';
import { TestClock } from '../helpers/clock.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { servicesOf } from '../helpers/services.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const testSecret = 'a test secret that is long enough to use';

describe('autopilot: relationship surveys on a schedule', function () {
  this.timeout(300_000);
  const ctx = useTestContext();

  const { service, contacts, autopilotSurvey, invitationsOf } = autopilotHelpers(ctx);

  it('surveys 900 contacts over 90 days at about 10 a day, each once in the period, across worker restarts, and starts the next period 90 days after each invitation', async () => {
    await contacts(900);
    const survey = await autopilotSurvey();
    const start = ctx.clock.now();
    let ap = service();
    // A worker run every 6 hours for 95 days, restarted every 10 days (a fresh service: all state is in the database).
    for (let t = 0; t <= 95 * 24; t += 6) {
      if (t % 240 === 0) ap = service();
      await ap.runDue();
      ctx.clock.advance(6 * HOUR);
    }
    const invitations = await invitationsOf(survey._id);
    expect(invitations.every((i) => i.source === 'autopilot' && i.status === 'queued')).to.equal(true);

    // Each contact's first invitation: every one of the 900, within the period (plus one run's lag).
    const first = new Map<string, Date>();
    for (const i of invitations) if (!first.has(String(i.contactId))) first.set(String(i.contactId), i.queuedAt);
    expect(first.size).to.equal(900);
    const firstPeriod = invitations.filter((i) => first.get(String(i.contactId)) === i.queuedAt);

    // 900 contacts / 90 days = one due every 2.4 h, 10 a day. Runs every 6 h take what fell due since the
    // last run, so day 0 (counted from the start) gets those due in its first 18 h (8), every later day
    // 10, and the last two go out with the run at day 90.
    const perDay = Array.from({ length: 91 }, () => 0);
    for (const at of first.values()) perDay[Math.floor((at.getTime() - start.getTime()) / DAY)]!++;
    expect(perDay[0]).to.equal(8);
    expect(perDay.slice(1, 90)).to.deep.equal(Array.from({ length: 89 }, () => 10));
    expect(perDay[90]).to.equal(2);

    // The second period has begun; nobody got two invitations less than 90 days apart.
    const byContact = new Map<string, number[]>();
    for (const i of invitations)
      byContact.set(String(i.contactId), [...(byContact.get(String(i.contactId)) ?? []), i.queuedAt.getTime()]);
    let second = 0;
    for (const times of byContact.values()) {
      for (let k = 1; k < times.length; k++) {
        expect(times[k]! - times[k - 1]!).to.be.at.least(90 * DAY);
        second++;
      }
    }
    expect(second).to.be.within(40, 60); // those first invited in the first ~5 days
    // Each contact's throttle date is its last invitation.
    const c = await ctx.models.contacts.findById(firstPeriod[500]!.contactId).lean();
    expect(c!.lastSurveyedAt!.getTime()).to.be.at.least(firstPeriod[500]!.queuedAt.getTime());
  });

  it('first surveys a contact created today 30 days later, or 30 days after the signup date a property gives', async () => {
    await contacts(3);
    const survey = await autopilotSurvey({ joinDateProperty: 'signup_date' });
    const ap = service();
    await ap.runDue();
    const before = (await invitationsOf(survey._id)).length;

    const today = ctx.clock.now();
    const added = await ctx.models.contacts.collection.insertMany([
      { email: 'new@example.com', name: 'New Customer', properties: {}, createdAt: today },
      {
        email: 'older@example.com',
        properties: { signup_date: dayIn(new Date(today.getTime() - 20 * DAY), 'UTC') },
        createdAt: today,
      },
    ]);
    const fresh = { _id: added.insertedIds[0]!, createdAt: today };
    const older = { _id: added.insertedIds[1]! };
    ctx.clock.advance(11 * 60_000); // new contacts join the schedule within 10 minutes
    await ap.runDue();

    const schedule = await ap.contactSchedule(String(fresh._id));
    expect(schedule).to.have.length(1);
    expect(schedule[0]!.dueAt.getTime() - fresh.createdAt.getTime()).to.equal(30 * DAY);
    expect(schedule[0]!.why).to.match(/First survey 30 days after joining on \d{4}-\d{2}-\d{2}/);
    const olderDue = (await ap.contactSchedule(String(older._id)))[0]!.dueAt;
    expect(dayIn(olderDue, 'UTC')).to.equal(dayIn(new Date(today.getTime() + 10 * DAY), 'UTC'));

    const invitedContacts = async () =>
      new Set((await invitationsOf(survey._id)).slice(before).map((i) => String(i.contactId)));
    ctx.clock.advance(10 * DAY);
    await ap.runDue();
    expect(await invitedContacts()).to.deep.equal(new Set([String(older._id)]));
    ctx.clock.advance(19 * DAY);
    await ap.runDue();
    expect((await invitedContacts()).has(String(fresh._id)), 'not before day 30').to.equal(false);
    ctx.clock.advance(DAY);
    await ap.runDue();
    expect((await invitedContacts()).has(String(fresh._id)), 'on day 30').to.equal(true);

    // The contact page shows the next due date and why.
    const manager = await signedInAs(ctx, 'manager');
    const page = await manager.get(`/contacts/${String(fresh._id)}`).expect(200);
    expect(page.text).to.contain('Next due (autopilot)');
    expect(page.text).to.match(/Every 90 days; last invited on \d{4}-\d{2}-\d{2}/);
    expect(page.text).to.contain('autopilot schedule');
  });

  it('never invites anyone twice when two workers run the schedule at once, even when one lease looks expired to the other', async () => {
    const ids = await contacts(200);
    const survey = await autopilotSurvey({ everyDays: 20, throttleDays: 20 });
    // Worker B's clock runs 10 minutes ahead of A's, so A's 5-minute lease has already expired for B:
    // both run the same survey at the same time, and only the unique keys and cycle filters keep order.
    const skewed = new TestClock(new Date(ctx.clock.now().getTime() + 10 * 60_000));
    const a = service();
    const b = service(skewed);
    for (let step = 0; step < 4 * 25; step++) {
      await Promise.all([a.runDue(), b.runDue(), a.runDue()]);
      ctx.clock.advance(6 * HOUR);
      skewed.advance(6 * HOUR);
    }
    const invitations = await invitationsOf(survey._id);
    const byContact = new Map<string, number[]>();
    for (const i of invitations)
      byContact.set(String(i.contactId), [...(byContact.get(String(i.contactId)) ?? []), i.queuedAt.getTime()]);
    expect(byContact.size).to.equal(200);
    for (const times of byContact.values()) {
      expect(times.length).to.be.within(1, 2); // 25 days of a 20-day schedule
      if (times.length === 2) expect(times[1]! - times[0]!).to.be.at.least(20 * DAY - 10 * 60_000);
    }
    expect(ids).to.have.length(200);
    // Every invitation has its own cycle key.
    expect(new Set(invitations.map((i) => i.dedupeKey)).size).to.equal(invitations.length);
  });

  it('keeps to the daily cap, carries the rest to the next days, and shows it in the 7-day forecast', async () => {
    await contacts(50);
    // Started two days ago: 11 contacts are due now, 5 more each day.
    const survey = await autopilotSurvey({
      everyDays: 10,
      throttleDays: 10,
      dailyCap: 3,
      startedAt: new Date(ctx.clock.now().getTime() - 2 * DAY),
    });
    const ap = service();
    await ap.runDue();
    let invitations = await invitationsOf(survey._id);
    expect(invitations).to.have.length(3);
    const forecast = await ap.forecast(String(survey._id));
    expect(forecast.rows.map((r) => r.invite)).to.deep.equal([0, 3, 3, 3, 3, 3, 3]);
    expect(forecast.rows[0]!.carried).to.be.greaterThan(0);

    for (let d = 0; d < 5; d++) {
      ctx.clock.advance(DAY);
      await ap.runDue();
    }
    invitations = await invitationsOf(survey._id);
    expect(invitations).to.have.length(18);
    const perDay = new Map<string, number>();
    for (const i of invitations) perDay.set(dayIn(i.queuedAt, 'UTC'), (perDay.get(dayIn(i.queuedAt, 'UTC')) ?? 0) + 1);
    expect([...perDay.values()]).to.deep.equal([3, 3, 3, 3, 3, 3]);

    const manager = await signedInAs(ctx, 'manager');
    const page = await manager.get(`/surveys/${String(survey._id)}/autopilot`).expect(200);
    expect(page.text).to.contain('Next 7 days');
    expect(page.text).to.match(/18 invitations in the next 7 days|21 invitations in the next 7 days/);
  });

  it('samples a percentage each period, skips unsubscribed contacts with a recorded reason, and holds anyone another survey reached recently', async () => {
    const now = ctx.clock.now();
    const ids = await contacts(100, (i) => ({
      ...(i === 0 ? { unsubscribedAt: now } : {}),
      ...(i === 1 ? { lastSurveyedAt: new Date(now.getTime() - 10 * DAY) } : {}),
    }));
    const survey = await autopilotSurvey({ everyDays: 30, throttleDays: 30, samplePercent: 40 });
    const ap = service();
    // Daily runs, and one just before day 30 so every contact's first cycle is decided (0.3 days apart).
    for (let d = 0; d < 30; d++) {
      await ap.runDue();
      ctx.clock.advance(DAY);
    }
    ctx.clock.advance(-0.05 * DAY);
    await ap.runDue();
    const invited = new Set((await invitationsOf(survey._id)).map((i) => String(i.contactId)));
    const expected = ids.slice(1).filter((id) => inSample(String(survey._id), String(id), 0, 40));
    expect(invited).to.deep.equal(new Set(expected.map(String)));
    expect(invited.size).to.be.within(25, 55);

    const skips = await ctx.models.sendSkips.find({ surveyId: survey._id }).lean();
    expect(skips.filter((s) => s.reason === 'unsubscribed').map((s) => String(s.contactId))).to.deep.equal([
      String(ids[0]),
    ]);
    expect(skips.filter((s) => s.reason === 'not_sampled')).to.have.length(99 - expected.length);

    // The contact surveyed 10 days ago by another survey was held until 30 days after that.
    const held = await ctx.models.invitations.findOne({ surveyId: survey._id, contactId: ids[1] }).lean();
    if (held) expect(held.queuedAt.getTime()).to.be.at.least(now.getTime() + 20 * DAY);
  });

  it('queued autopilot invitations are sent by the ordinary send worker', async () => {
    await contacts(3);
    await autopilotSurvey({ everyDays: 7, throttleDays: 7 });
    await service().runDue();
    ctx.clock.advance(3 * DAY);
    await service().runDue();
    const worker = servicesOf(ctx, { tokenSecret: testSecret }).newSendWorker({
      mailer: createOutboxMailer(ctx.models.outboxMessages),
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
    });
    while ((await worker.runOnce()) > 0);
    expect(await ctx.models.outboxMessages.countDocuments({})).to.equal(2); // due at 0, 2.33 and 4.67 days
  });

  it('the schedule page validates its settings, and only managers change them', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const manager = await signedInAs(ctx, 'manager');
    const page = await manager.get(`/surveys/${String(survey._id)}/autopilot`).expect(200);
    expect(page.text).to.contain('Autopilot is off for this survey.');
    const bad = await manager
      .post(`/surveys/${String(survey._id)}/autopilot`)
      .type('form')
      .send({
        _csrf: csrfTokenOf(page.text),
        enabled: 'on',
        everyDays: '30',
        throttleDays: '90',
        samplePercent: '0',
        newContactDelayDays: '30',
        dailyCap: '',
      });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('longer than the period (30 days)');
    expect(bad.text).to.contain('Enter a percentage from 1 to 100.');
    expect(bad.text).to.match(/id="f-everyDays"[^>]*value="30"/);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.autopilot?.enabled).to.not.equal(true);

    const ok = await manager
      .post(`/surveys/${String(survey._id)}/autopilot`)
      .type('form')
      .send({
        _csrf: csrfTokenOf(page.text),
        enabled: 'on',
        everyDays: '60',
        throttleDays: '45',
        samplePercent: '50',
        newContactDelayDays: '14',
        dailyCap: '200',
        joinDateProperty: 'signup_date',
      });
    expect(ok.status).to.equal(303);
    const saved = (await ctx.models.surveys.findById(survey._id).lean())!.autopilot!;
    expect(saved).to.deep.include({
      enabled: true,
      everyDays: 60,
      throttleDays: 45,
      samplePercent: 50,
      newContactDelayDays: 14,
      dailyCap: 200,
      joinDateProperty: 'signup_date',
    });
    expect(saved.startedAt).to.be.instanceOf(Date);

    const viewer = await signedInAs(ctx, 'viewer');
    const viewed = await viewer.get(`/surveys/${String(survey._id)}/autopilot`).expect(200);
    expect(viewed.text).to.not.contain('Save schedule');
    await viewer
      .post(`/surveys/${String(survey._id)}/autopilot`)
      .type('form')
      .send({ _csrf: csrfTokenOf(viewed.text), enabled: '' })
      .expect(403);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.autopilot!.enabled).to.equal(true);
  });
});
