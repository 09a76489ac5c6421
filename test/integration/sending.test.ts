import { expect } from 'chai';
import mongoose from 'mongoose';

import { createSealer } from '../../server/lib/seal.js';
import { hashToken } from '../../server/lib/tokens.js';
import type { AudienceOptions } from '../../server/sending/audience.js';
import { createSmtpMailer, DeliveryError, type Mailer } from '../../server/sending/mailer.js';
import { createOutboxMailer } from '../../server/sending/outbox.js';
import type { SendPolicy } from '../../server/sending/send-worker.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { testDatabaseUri } from '../helpers/database.js';
import { makeSurvey } from '../helpers/factories.js';
import { runScript } from '../helpers/process.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const everyone: AudienceOptions = { filters: [], throttleDays: 90 };
const testSecret = 'a test secret that is long enough to use';
const sealer = createSealer(testSecret, 'link-token');

describe('sending: queue, workers and SMTP', function () {
  this.timeout(120_000);
  // Link tokens are sealed with the test's key, so the test can open them (`sealer` above).
  const ctx = useTestContext({ TOKEN_SECRET: testSecret });
  let smtp: TestSmtp;
  const mailers: Mailer[] = [];

  beforeEach(async () => {
    smtp = await startTestSmtp();
  });
  afterEach(async () => {
    await Promise.all(mailers.splice(0).map((m) => m.close()));
    await smtp.close();
  });

  const queue = () => ctx.services.sendQueue;
  function worker(options: { mailer?: Mailer; policy?: Partial<SendPolicy>; id?: string } = {}) {
    const mailer = options.mailer ?? createSmtpMailer({ url: smtp.url, maxConnections: 2, ratePerSecond: 0 });
    mailers.push(mailer);
    return ctx.services.newSendWorker({
      mailer,
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <surveys@nps.example.com>',
      policy: { concurrency: 10, ...options.policy },
      ...(options.id ? { workerId: options.id } : {}),
    });
  }
  async function contacts(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
    await ctx.models.contacts.collection.insertMany(
      Array.from({ length: n }, (_, i) => ({
        email: `c${i}@example.com`,
        name: `C ${i}`,
        properties: {},
        ...extra(i),
      })),
    );
  }
  async function drain(w: ReturnType<typeof worker>) {
    while ((await w.runOnce()) > 0);
  }
  const statusCounts = async (surveyId: mongoose.Types.ObjectId) => (await queue().progress(String(surveyId))).byStatus;

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

  it('delivers each queued invitation to the SMTP server with its own links, and marks it sent', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(3);
    await queue().queue(String(survey._id), everyone);
    await drain(worker());
    expect(smtp.received).to.have.length(3);
    expect(smtp.received.map((m) => m.to[0]).sort()).to.deep.equal([
      'c0@example.com',
      'c1@example.com',
      'c2@example.com',
    ]);
    const invitations = await ctx.models.invitations.find({}).lean();
    for (const inv of invitations) {
      expect(inv.status).to.equal('sent');
      const mail = smtp.received.find((m) => m.parsed.messageId === inv.messageId)!;
      const token = sealer.open(inv.tokenSealed!);
      expect(mail.parsed.text).to.contain(`https://nps.example.com/r/${token}/10`);
      expect(mail.parsed.headerLines.some((h) => h.key === 'list-unsubscribe-post')).to.be.true;
    }
    expect(await statusCounts(survey._id)).to.include({ sent: 3, queued: 0 });
  });

  it('retries a 4xx later and delivers the message exactly once', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(1);
    let refusals = 0;
    smtp.onRecipient = () => (refusals++ === 0 ? { code: 451, message: 'Try again later' } : undefined);
    await queue().queue(String(survey._id), everyone);
    const w = worker();
    await drain(w);
    let inv = await ctx.models.invitations.findOne({}).lean();
    expect(inv).to.include({ status: 'queued', attempts: 1 });
    expect(inv!.lastError).to.contain('Try again later');
    expect(inv!.nextAttemptAt!.getTime()).to.equal(ctx.clock.now().getTime() + 30_000);
    expect(smtp.received).to.have.length(0);

    await drain(w); // not due yet
    expect(smtp.received).to.have.length(0);
    ctx.clock.advance(30_000);
    await drain(w);
    inv = await ctx.models.invitations.findOne({}).lean();
    expect(inv).to.include({ status: 'sent', attempts: 2 });
    expect(smtp.received).to.have.length(1);
  });

  it('marks a 5xx failed with the server reply and suppresses the address', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(2);
    smtp.onRecipient = (address) =>
      address === 'c1@example.com' ? { code: 550, message: 'No such user here' } : undefined;
    await queue().queue(String(survey._id), everyone);
    await drain(worker());
    const failed = await ctx.models.invitations.findOne({ status: 'failed' }).lean();
    expect(failed!.lastError).to.contain('No such user here');
    const contact = await ctx.models.contacts.findOne({ email: 'c1@example.com' }).lean();
    expect(contact!.suppressedAt).to.be.instanceOf(Date);
    expect(contact!.suppressedReason).to.contain('550');
    expect(smtp.received.map((m) => m.to[0])).to.deep.equal(['c0@example.com']);
  });

  it('rides out an SMTP server that is down for a while: pauses, then delivers every invitation exactly once when resumed', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(30);
    await queue().queue(String(survey._id), everyone);
    const port = Number(new URL(smtp.url).port);
    await smtp.close(); // the mail server goes away
    const w = worker();
    await drain(w); // every invitation is tried once and put back for later
    const down = await statusCounts(survey._id);
    expect(down.sent).to.equal(0);
    expect(down.queued).to.equal(30); // each attempt failed as transient and waits for its retry
    expect(
      await ctx.models.invitations.countDocuments({ surveyId: survey._id, attempts: mongoose.trusted({ $gte: 1 }) }),
    ).to.be.greaterThan(0);
    // After many failures in a row the survey pauses and says why, rather than hammering a dead server.
    const paused = (await ctx.models.surveys.findById(survey._id).lean())!;
    expect(paused.status).to.equal('paused');
    expect(paused.pausedReason).to.match(/^Sending paused after \d+ failed attempts in a row/);
    smtp = await startTestSmtp(port); // back, on the same address
    // The manager resumes the survey (the Resume button's update).
    await ctx.models.surveys.updateOne(
      { _id: survey._id, status: 'paused' },
      { $set: { status: 'active', sendFailureStreak: 0 }, $unset: { pausedReason: 1 } },
    );
    for (let i = 0; i < 20 && (await statusCounts(survey._id)).sent < 30; i++) {
      ctx.clock.advance(10 * 60_000);
      await drain(w);
    }
    expect(await statusCounts(survey._id)).to.include({ sent: 30, queued: 0, failed: 0, uncertain: 0 });
    const recipients = smtp.received.map((m) => m.to[0]);
    expect(recipients).to.have.length(30);
    expect(new Set(recipients).size).to.equal(30);
  });

  it('delivers each of 2,000 invitations exactly once when two workers race', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(2000);
    await queue().queue(String(survey._id), everyone);
    const a = worker({ id: 'worker-a', policy: { concurrency: 20 } });
    const b = worker({ id: 'worker-b', policy: { concurrency: 20 } });
    await Promise.all([drain(a), drain(b)]);
    expect(smtp.received).to.have.length(2000);
    const recipients = new Set(smtp.received.map((m) => m.to[0]));
    expect(recipients.size).to.equal(2000);
    expect(await statusCounts(survey._id)).to.include({ sent: 2000, queued: 0, sending: 0, uncertain: 0 });
    // The response rate's denominator, counted as the workers went, agrees with the invitations.
    expect((await ctx.models.surveys.findById(survey._id).lean())!.deliveredCount).to.equal(2000);
  });

  it('leaves only the in-flight invitations uncertain when a worker dies mid-send; the next worker sends the rest', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(30);
    await queue().queue(String(survey._id), everyone);
    // A mailer that never returns: the worker "dies" with these messages in the SMTP server's hands.
    const hanging: Mailer = {
      kind: 'smtp',
      send: () => new Promise<void>(() => undefined),
      close: () => Promise.resolve(),
    };
    const doomed = worker({ mailer: hanging, id: 'doomed', policy: { concurrency: 7 } });
    void doomed.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await statusCounts(survey._id)).to.include({ sending: 7 });

    ctx.clock.advance(11 * 60_000);
    const next = worker({ id: 'next' });
    expect(await next.recoverStale()).to.equal(7);
    await drain(next);
    expect(await statusCounts(survey._id)).to.include({ uncertain: 7, sent: 23, sending: 0, queued: 0 });
    expect(smtp.received).to.have.length(23);

    // Uncertain ones go out again only when a manager asks.
    await drain(next);
    expect(smtp.received).to.have.length(23);
    expect(await queue().resendUncertain(String(survey._id))).to.equal(7);
    await drain(next);
    expect(smtp.received).to.have.length(30);
  });

  it('pauses the survey after many failures in a row and says why', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(5);
    await queue().queue(String(survey._id), everyone);
    const broken: Mailer = {
      kind: 'smtp',
      send: () => Promise.reject(new DeliveryError('transient', 'connect ECONNREFUSED 127.0.0.1:25')),
      close: () => Promise.resolve(),
    };
    const w = worker({ mailer: broken, policy: { failureStreakLimit: 3, concurrency: 1 } });
    await drain(w);
    const paused = await ctx.models.surveys.findById(survey._id).lean();
    expect(paused!.status).to.equal('paused');
    expect(paused!.pausedReason).to.contain('Sending paused after 3 failed attempts in a row');
    expect(paused!.pausedReason).to.contain('ECONNREFUSED');
    expect(await statusCounts(survey._id)).to.include({ queued: 5 });
  });

  it('does not send to a contact who unsubscribed after being queued', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(2);
    await queue().queue(String(survey._id), everyone);
    await ctx.models.contacts.updateOne({ email: 'c0@example.com' }, { $set: { unsubscribedAt: new Date() } });
    await drain(worker());
    expect(smtp.received.map((m) => m.to[0])).to.deep.equal(['c1@example.com']);
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
  let smtp: TestSmtp;
  let mailer: Mailer;
  beforeEach(async () => {
    smtp = await startTestSmtp();
    mailer = createSmtpMailer({ url: smtp.url, maxConnections: 1, ratePerSecond: 0 });
  });
  afterEach(async () => {
    await mailer.close();
    await smtp.close();
  });

  it('sends one reminder after the delay to non-responders only, never to unsubscribed or answered contacts', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', reminder: { enabled: true, afterDays: 3 } });
    await ctx.models.contacts.collection.insertMany(
      ['answered', 'silent', 'leaver'].map((name) => ({ email: `${name}@example.com`, name, properties: {} })),
    );
    await ctx.services.sendQueue.queue(String(survey._id), everyone);
    const w = ctx.services.newSendWorker({
      mailer,
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
    });
    const drain = async () => {
      while ((await w.runOnce()) > 0);
    };
    await drain();
    expect(smtp.received).to.have.length(3);

    const answered = await ctx.models.contacts.findOne({ email: 'answered@example.com' }).lean();
    await ctx.models.invitations.updateOne({ contactId: answered!._id }, { $set: { respondedAt: ctx.clock.now() } });
    await ctx.models.contacts.updateOne({ email: 'leaver@example.com' }, { $set: { unsubscribedAt: ctx.clock.now() } });

    ctx.clock.advance(3 * 86_400_000 - 60_000);
    await drain();
    expect(smtp.received).to.have.length(3);

    ctx.clock.advance(120_000);
    await drain();
    await drain();
    expect(smtp.received).to.have.length(4);
    const reminder = smtp.received[3]!;
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
    expect(smtp.received).to.have.length(4);
  });

  it('sends no reminder when the survey has reminders turned off', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', reminder: { enabled: false, afterDays: 3 } });
    await ctx.models.contacts.collection.insertOne({ email: 'x@example.com', name: 'X', properties: {} });
    await ctx.services.sendQueue.queue(String(survey._id), everyone);
    const w = ctx.services.newSendWorker({
      mailer,
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <s@nps.example.com>',
    });
    while ((await w.runOnce()) > 0);
    ctx.clock.advance(30 * 86_400_000);
    while ((await w.runOnce()) > 0);
    expect(smtp.received).to.have.length(1);
  });
});

describe('sending: a worker process killed mid-send', function () {
  this.timeout(120_000);
  const ctx = useTestContext();

  it('leaves only the messages it had in flight uncertain; started again, it delivers the rest exactly once', async () => {
    const smtp = await startTestSmtp();
    try {
      const survey = await makeSurvey(ctx, { status: 'active' });
      await ctx.models.contacts.collection.insertMany(
        Array.from({ length: 40 }, (_, i) => ({ email: `k${i}@example.com`, name: `K ${i}`, properties: {} })),
      );
      await ctx.services.sendQueue.queue(String(survey._id), everyone);

      // The mail server stalls: messages reach it but are never answered, as at a crash mid-DATA.
      smtp.hold = true;
      const proc = runScript('scripts/worker.ts', [], {
        MONGODB_URI: testDatabaseUri(),
        SMTP_URL: smtp.url,
        SMTP_MAX_CONNECTIONS: '2',
        LOG_LEVEL: 'warn',
      });
      const deadline = Date.now() + 60_000;
      while (smtp.held < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(smtp.held, proc.stderr()).to.be.at.least(2);
      proc.child.kill('SIGKILL');
      await proc.exited;

      const inFlight = await ctx.models.invitations.countDocuments({ status: 'sending' });
      expect(inFlight).to.be.within(1, 4); // one claimed batch: 2 connections x 2
      smtp.hold = false;

      // The worker is started again: it sends everything still queued, and leaves the in-flight ones
      // alone (their claims are younger than the 10-minute lease, so it cannot know their fate yet).
      const restarted = runScript('scripts/worker.ts', [], {
        MONGODB_URI: testDatabaseUri(),
        SMTP_URL: smtp.url,
        SMTP_MAX_CONNECTIONS: '2',
        LOG_LEVEL: 'warn',
      });
      const until = Date.now() + 60_000;
      while ((await ctx.models.invitations.countDocuments({ status: 'sent' })) < 40 - inFlight && Date.now() < until)
        await new Promise((resolve) => setTimeout(resolve, 200));
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited, restarted.stderr()).to.equal(0);
      expect(await ctx.models.invitations.countDocuments({ status: 'sending' })).to.equal(inFlight);

      // Once the lease has passed, the next worker start marks them uncertain; nothing is resent.
      ctx.clock.advance(11 * 60_000);
      const next = ctx.services.newSendWorker({
        mailer: createSmtpMailer({ url: smtp.url, maxConnections: 2, ratePerSecond: 0 }),
        baseUrl: 'http://localhost:3000',
        mailFrom: 'NPS <s@example.com>',
      });
      expect(await next.recoverStale()).to.equal(inFlight);
      while ((await next.runOnce()) > 0);

      const counts = (await ctx.services.sendQueue.progress(String(survey._id))).byStatus;
      expect(counts).to.include({ uncertain: inFlight, sent: 40 - inFlight, queued: 0, sending: 0 });
      const recipients = smtp.received.map((m) => m.to[0]);
      expect(new Set(recipients).size).to.equal(recipients.length);
      expect(recipients).to.have.length(40 - inFlight);
    } finally {
      await smtp.close();
    }
  });
});
