import { expect } from 'chai';
import mongoose from 'mongoose';

import { createSealer } from '../../server/lib/seal.js';
import type { AudienceOptions } from '../../server/sending/audience.js';
import { createSmtpMailer, DeliveryError, type Mailer } from '../../server/sending/mailer.js';
import { useTestContext } from '../helpers/context.js';
import { testDatabaseUri } from '../helpers/database.js';
import { makeSurvey } from '../helpers/factories.js';
import { runScript } from '../helpers/process.js';
import { useSendingFixtures } from '../helpers/sending.js';
import { startTestSmtp } from '../helpers/smtp.js';

const everyone: AudienceOptions = { filters: [], throttleDays: 90 };
const testSecret = 'a test secret that is long enough to use';
const sealer = createSealer(testSecret, 'link-token');
describe('sending: delivery over SMTP, workers and failures', function () {
  this.timeout(120_000);
  // Link tokens are sealed with the test's key, so the test can open them (`sealer` above).
  const ctx = useTestContext({ TOKEN_SECRET: testSecret });
  const fx = useSendingFixtures(ctx);
  const { queue, worker, contacts, drain, statusCounts } = fx;

  it('delivers each queued invitation to the SMTP server with its own links, and marks it sent', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(3);
    await queue().queue(String(survey._id), everyone);
    await drain(worker());
    expect(fx.smtp.received).to.have.length(3);
    expect(fx.smtp.received.map((m) => m.to[0]).sort()).to.deep.equal([
      'c0@example.com',
      'c1@example.com',
      'c2@example.com',
    ]);
    const invitations = await ctx.models.invitations.find({}).lean();
    for (const inv of invitations) {
      expect(inv.status).to.equal('sent');
      const mail = fx.smtp.received.find((m) => m.parsed.messageId === inv.messageId)!;
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
    fx.smtp.onRecipient = () => (refusals++ === 0 ? { code: 451, message: 'Try again later' } : undefined);
    await queue().queue(String(survey._id), everyone);
    const w = worker();
    await drain(w);
    let inv = await ctx.models.invitations.findOne({}).lean();
    expect(inv).to.include({ status: 'queued', attempts: 1 });
    expect(inv!.lastError).to.contain('Try again later');
    expect(inv!.nextAttemptAt!.getTime()).to.equal(ctx.clock.now().getTime() + 30_000);
    expect(fx.smtp.received).to.have.length(0);

    await drain(w); // not due yet
    expect(fx.smtp.received).to.have.length(0);
    ctx.clock.advance(30_000);
    await drain(w);
    inv = await ctx.models.invitations.findOne({}).lean();
    expect(inv).to.include({ status: 'sent', attempts: 2 });
    expect(fx.smtp.received).to.have.length(1);
  });

  it('marks a 5xx failed with the server reply and suppresses the address', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(2);
    fx.smtp.onRecipient = (address) =>
      address === 'c1@example.com' ? { code: 550, message: 'No such user here' } : undefined;
    await queue().queue(String(survey._id), everyone);
    await drain(worker());
    const failed = await ctx.models.invitations.findOne({ status: 'failed' }).lean();
    expect(failed!.lastError).to.contain('No such user here');
    const contact = await ctx.models.contacts.findOne({ email: 'c1@example.com' }).lean();
    expect(contact!.suppressedAt).to.be.instanceOf(Date);
    expect(contact!.suppressedReason).to.contain('550');
    expect(fx.smtp.received.map((m) => m.to[0])).to.deep.equal(['c0@example.com']);
  });

  it('rides out an SMTP server that is down for a while: pauses, then delivers every invitation exactly once when resumed', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(30);
    await queue().queue(String(survey._id), everyone);
    const port = Number(new URL(fx.smtp.url).port);
    await fx.smtp.close(); // the mail server goes away
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
    fx.smtp = await startTestSmtp(port); // back, on the same address
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
    const recipients = fx.smtp.received.map((m) => m.to[0]);
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
    expect(fx.smtp.received).to.have.length(2000);
    const recipients = new Set(fx.smtp.received.map((m) => m.to[0]));
    expect(recipients.size).to.equal(2000);
    expect(await statusCounts(survey._id)).to.include({ sent: 2000, queued: 0, sending: 0, uncertain: 0 });
    // The response rate's denominator, counted as the workers went, agrees with the invitations.
    expect((await ctx.models.surveys.findById(survey._id).lean())!.deliveredCount).to.equal(2000);
  });

  it('counts a send still under way toward the response rate within a second, and all of it at the end', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await contacts(25);
    await queue().queue(String(survey._id), everyone);
    const w = worker({ policy: { concurrency: 10 } });
    const delivered = async () => (await ctx.models.surveys.findById(survey._id).lean())!.deliveredCount;
    expect(await w.runOnce()).to.be.at.least(10); // a full batch: the send goes on
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(await delivered()).to.equal(10);
    await drain(w);
    expect(await delivered()).to.equal(25);
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
    expect(fx.smtp.received).to.have.length(23);

    // Uncertain ones go out again only when a manager asks.
    await drain(next);
    expect(fx.smtp.received).to.have.length(23);
    expect(await queue().resendUncertain(String(survey._id))).to.equal(7);
    await drain(next);
    expect(fx.smtp.received).to.have.length(30);
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
        NODE_ENV: 'test', // the test context's secrets, so the worker can open the sealed link tokens
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
        NODE_ENV: 'test', // the test context's secrets, so the worker can open the sealed link tokens
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
