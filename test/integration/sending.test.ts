import { expect } from 'chai';

import { createSealer } from '../../server/lib/seal.js';
import { hashToken } from '../../server/lib/tokens.js';
import type { AudienceOptions } from '../../server/sending/audience.js';
import { createOutboxMailer } from '../../server/sending/outbox.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { useSendingFixtures } from '../helpers/sending.js';
import { useSmtpMailer } from '../helpers/smtp.js';

const everyone: AudienceOptions = { filters: [], throttleDays: 90 };
const testSecret = 'a test secret that is long enough to use';
const sealer = createSealer(testSecret, 'link-token');
describe('sending: planning and queueing', function () {
  this.timeout(120_000);
  // Link tokens are sealed with the test's key, so the test can open them (`sealer` above).
  const ctx = useTestContext({ TOKEN_SECRET: testSecret });
  const fx = useSendingFixtures(ctx);
  const { queue, worker, contacts, drain, statusCounts } = fx;

  it('plans and queues an audience, skipping unsubscribed, suppressed and recently surveyed contacts, and records why', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const now = ctx.clock.now();
    await contacts(10, (i) => ({
      properties: { plan: i < 8 ? 'Pro' : 'Free' },
      ...(i === 0 ? { unsubscribedAt: now } : {}),
      ...(i === 1 ? { suppressedAt: now } : {}),
      ...(i === 2 ? { lastSurveyedAt: new Date(now.getTime() - 10 * 86_400_000) } : {}),
      ...(i === 3 ? { lastSurveyedAt: new Date(now.getTime() - 100 * 86_400_000) } : {}),
    }));
    const options: AudienceOptions = { filters: [{ key: 'plan', value: 'Pro' }], throttleDays: 90 };
    const plan = await queue().planAudience(String(survey._id), options);
    expect(plan).to.deep.include({ matching: 8, eligible: 5, toQueue: 5 });
    expect(plan.skipped).to.deep.include({
      unsubscribed: 1,
      suppressed: 1,
      recently_surveyed: 1,
      already_invited: 0,
      not_sampled: 0,
    });
    expect(await ctx.models.invitations.countDocuments({})).to.equal(0);

    await queue().queue(String(survey._id), options);
    expect(await ctx.models.invitations.countDocuments({ status: 'queued' })).to.equal(5);
    const skipOf = async (email: string) => {
      const c = await ctx.models.contacts.findOne({ email }).lean();
      return (await ctx.models.sendSkips.findOne({ contactId: c!._id }).lean())?.reason;
    };
    expect(await skipOf('c0@example.com')).to.equal('unsubscribed');
    expect(await skipOf('c2@example.com')).to.equal('recently_surveyed');
    expect(await skipOf('c3@example.com')).to.equal(undefined);
    const page = await (
      await signedInAs(ctx, 'viewer')
    )
      .get(`/contacts/${String((await ctx.models.contacts.findOne({ email: 'c2@example.com' }).lean())!._id)}`)
      .expect(200);
    expect(page.text).to.contain('<td>Customer NPS</td><td>surveyed recently (throttle)</td>');
    // Without the throttle only c2 is new; the five already invited are never invited to this survey twice.
    const again = await queue().queue(String(survey._id), { ...options, throttleDays: 0 });
    expect(again.toQueue).to.equal(1);
    expect(again.skipped.already_invited).to.equal(5);
    expect(await ctx.models.invitations.countDocuments({})).to.equal(6);
  });

  it('samples a percentage or a number of the eligible contacts', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(200);
    expect((await queue().planAudience(String(survey._id), { ...everyone, sample: { percent: 25 } })).toQueue).to.equal(
      50,
    );
    const plan = await queue().queue(String(survey._id), { ...everyone, sample: { count: 30 } });
    expect(plan).to.deep.include({ toQueue: 30 });
    expect(plan.skipped.not_sampled).to.equal(170);
    expect(await ctx.models.invitations.countDocuments({})).to.equal(30);
  });

  it('stores only the hash of each link token, and a sealed copy for the worker', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(1);
    await queue().queue(String(survey._id), everyone);
    const invitation = await ctx.models.invitations.findOne({}).lean();
    const token = sealer.open(invitation!.tokenSealed!);
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(invitation!.tokenHash).to.equal(hashToken(token));
    expect(JSON.stringify(invitation)).not.to.contain(token);
  });

  it('does not send to a contact who unsubscribed after being queued', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(2);
    await queue().queue(String(survey._id), everyone);
    await ctx.models.contacts.updateOne({ email: 'c0@example.com' }, { $set: { unsubscribedAt: new Date() } });
    await drain(worker());
    expect(fx.smtp.received.map((m) => m.to[0])).to.deep.equal(['c1@example.com']);
    expect(await statusCounts(survey._id)).to.include({ suppressed: 1, sent: 1 });
  });

  it('stores messages in the local outbox when no SMTP server is configured', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(2);
    await queue().queue(String(survey._id), everyone);
    await drain(worker({ mailer: createOutboxMailer(ctx.models.outboxMessages) }));
    const stored = await ctx.models.outboxMessages.find({}).lean();
    expect(stored.map((m) => m.to).sort()).to.deep.equal(['C 0 <c0@example.com>', 'C 1 <c1@example.com>']);
    expect(stored[0]!.html).to.contain('https://nps.example.com/r/');
    expect(await statusCounts(survey._id)).to.include({ sent: 2 });
  });

  it('refuses to queue a survey that is not active', async () => {
    const survey = await makeSurvey(ctx);
    const err = await queue()
      .queue(String(survey._id), everyone)
      .catch((e: unknown) => e);
    expect((err as Error).message).to.contain('activate it before sending');
  });
});

describe('sending: reminders', function () {
  this.timeout(60_000);
  const ctx = useTestContext();
  const mail = useSmtpMailer();

  it('sends one reminder after the delay to non-responders only, never to unsubscribed or answered contacts', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', reminder: { enabled: true, afterDays: 3 } });
    await ctx.models.contacts.collection.insertMany(
      ['answered', 'silent', 'leaver'].map((name) => ({ email: `${name}@example.com`, name, properties: {} })),
    );
    await ctx.services.sendQueue.queue(String(survey._id), everyone);
    const w = ctx.services.newSendWorker({
      mailer: mail.mailer,
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
    });
    const drain = async () => {
      while ((await w.runOnce()) > 0);
    };
    await drain();
    expect(mail.smtp.received).to.have.length(3);

    const answered = await ctx.models.contacts.findOne({ email: 'answered@example.com' }).lean();
    await ctx.models.invitations.updateOne({ contactId: answered!._id }, { $set: { respondedAt: ctx.clock.now() } });
    await ctx.models.contacts.updateOne({ email: 'leaver@example.com' }, { $set: { unsubscribedAt: ctx.clock.now() } });

    ctx.clock.advance(3 * 86_400_000 - 60_000);
    await drain();
    expect(mail.smtp.received).to.have.length(3);

    // Due now; the worker looks for due reminders every 5 minutes.
    ctx.clock.advance(6 * 60_000);
    await drain();
    await drain();
    expect(mail.smtp.received).to.have.length(4);
    const reminder = mail.smtp.received[3]!;
    expect(reminder.to).to.deep.equal(['silent@example.com']);
    expect(reminder.parsed.subject).to.match(/^Reminder: /);
    expect(reminder.parsed.text).to.contain('A quick reminder');
    const nonResponder = await ctx.models.contacts.findOne({ email: 'silent@example.com' }).lean();
    const inv = await ctx.models.invitations.findOne({ contactId: nonResponder!._id }).lean();
    expect(inv).to.include({ reminderStatus: 'sent' });
    expect(inv!.tokenSealed).to.equal(undefined);
    expect(reminder.parsed.messageId).to.equal(`<reminder-${String(inv!._id)}@nps.example.com>`);

    ctx.clock.advance(10 * 86_400_000);
    await drain();
    expect(mail.smtp.received).to.have.length(4);
  });

  it('sends no reminder when the survey has reminders turned off', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', reminder: { enabled: false, afterDays: 3 } });
    await ctx.models.contacts.collection.insertOne({ email: 'x@example.com', name: 'X', properties: {} });
    await ctx.services.sendQueue.queue(String(survey._id), everyone);
    const w = ctx.services.newSendWorker({
      mailer: mail.mailer,
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
    });
    while ((await w.runOnce()) > 0);
    ctx.clock.advance(30 * 86_400_000);
    while ((await w.runOnce()) > 0);
    expect(mail.smtp.received).to.have.length(1);
  });
});
