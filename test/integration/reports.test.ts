import { expect } from 'chai';
import request from 'supertest';

import type { Mailer } from '../../server/sending/mailer.js';
import { browser, createUser, csrfTokenOf, signedInAs, signIn, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeResponses, makeSurvey, repeat } from '../helpers/factories.js';
import { useSmtpMailer } from '../helpers/smtp.js';

const BERLIN = 'Europe/Berlin';

describe('scheduled email reports', () => {
  const ctx = useTestContext({ REPORT_TIME_ZONE: BERLIN });
  const inbox = useSmtpMailer();

  /** Moves the test clock to an instant (forward only). */
  const moveTo = (iso: string) => ctx.clock.advance(new Date(iso).getTime() - ctx.clock.now().getTime());

  async function newReport(admin: Agent, fields: Record<string, string | string[]>) {
    const _csrf = csrfTokenOf((await admin.get('/reports').expect(200)).text);
    const res = await admin
      .post('/reports')
      .type('form')
      .send({ _csrf, ...fields });
    expect(res.status, res.text.slice(0, 400)).to.equal(303);
    return res.headers.location as string;
  }

  /** A survey with answers in the week of 16-22 Nov 2026 and the week before; the clock on Friday 20 Nov. */
  async function weekOfAnswers() {
    moveTo('2026-11-10T10:00:00Z');
    const survey = await makeSurvey(ctx, { status: 'active', name: 'Shop NPS' });
    // The week before: 2 promoters, 3 passives, 5 detractors -> NPS -30.
    await makeResponses(ctx, survey._id, [9, 10, 7, 8, 7, 0, 3, 5, 6, 6], {
      submittedAt: new Date('2026-11-10T10:00:00Z'),
    });
    // The week: 6 promoters, 2 passives, 2 detractors -> NPS +40; comments from both ends.
    await makeResponses(ctx, survey._id, [...repeat(9, 3), ...repeat(10, 2), 7, 8, 2], {
      submittedAt: new Date('2026-11-17T09:00:00Z'),
    });
    await makeResponses(ctx, survey._id, [10], {
      submittedAt: new Date('2026-11-18T09:00:00Z'),
      comment: 'Fast and friendly',
    });
    await makeResponses(ctx, survey._id, [1], {
      submittedAt: new Date('2026-11-18T10:00:00Z'),
      comment: 'Parcel arrived broken',
    });
    // Invitations delivered in the week: 4, of which 1 answered.
    moveTo('2026-11-20T12:00:00Z');
    for (let i = 0; i < 4; i++) {
      const { invitation } = await makeInvitation(ctx, { survey, sentAgoMs: 3 * 86_400_000 });
      if (i === 0)
        await ctx.models.invitations.updateOne({ _id: invitation._id }, { $set: { respondedAt: ctx.clock.now() } });
    }
    return survey;
  }

  it('sends each period once with two workers, with the results page figures, a PNG chart and one-click unsubscribe', async () => {
    const survey = await weekOfAnswers();
    const admin = await signedInAs(ctx, 'admin');
    const manager = await createUser(ctx, 'manager', 'lead@example.com');
    await newReport(admin, {
      name: 'Weekly NPS',
      surveyId: String(survey._id),
      frequency: 'weekly',
      weekday: '1',
      sendTime: '08:00',
      userIds: [manager.id],
      addresses: 'boss@example.org, Board@Example.org',
    });
    const a = ctx.services.reportRuns.forWorker('a', { mailer: inbox.mailer });
    const b = ctx.services.reportRuns.forWorker('b', { mailer: inbox.mailer });
    await Promise.all([a.runDue(), b.runDue()]);
    expect(inbox.smtp.received).to.have.length(0); // Monday 16 Nov came before the report existed

    moveTo('2026-11-23T07:00:30Z'); // Monday 23 Nov, 08:00:30 in Berlin
    await Promise.all([a.runDue(), b.runDue(), a.runDue()]);
    await Promise.all([a.runDue(), b.runDue()]);
    expect(inbox.smtp.received.map((m) => m.to[0]).sort()).to.deep.equal([
      'board@example.org',
      'boss@example.org',
      'lead@example.com',
    ]);

    const mail = inbox.smtp.received.find((m) => m.to[0] === 'boss@example.org')!.parsed;
    expect(mail.subject).to.equal('Weekly NPS: NPS +40 (2026-11-16 to 2026-11-22)');
    const text = mail.text ?? '';
    // Hand count: 6 promoters, 2 passives, 2 detractors, n = 10 -> NPS 40; the week before -30.
    expect(text).to.contain('NPS +40 (95% interval').and.contain('n = 10)');
    expect(text).to.contain('Previous period (2026-11-09 to 2026-11-15): NPS \u221230 (n = 10).');
    expect(text).to.contain('Promoters (9-10): 6 (60.0%)').and.contain('Detractors (0-6): 2 (20.0%)');
    expect(text).to.contain('Response rate: 25.0% (1 answered of 4 invitations delivered in the period)');
    expect(text).to.contain('1/10: "Parcel arrived broken"').and.contain('10/10: "Fast and friendly"');
    // The same figures, in the same words, as the results page for that week.
    const later = browser(ctx.app); // days later: sign in again
    await signIn(later, 'admin@example.com');
    const page = (
      await later.get(`/surveys/${String(survey._id)}/results?range=custom&from=2026-11-16&to=2026-11-22`).expect(200)
    ).text;
    const interval = /95% interval (\S+ to \S+) · n = (\d+)/.exec(page)!;
    expect(text).to.contain(`NPS +40 (95% interval ${interval[1]}, n = ${interval[2]})`);
    const verdict = /(Change|Difference) [^:]+ points: (?:<strong>)?[^<]+/.exec(page)![0].replace('<strong>', '');
    expect(text).to.contain(verdict);
    // The chart: an inline PNG the HTML points at, no remote image.
    const png = mail.attachments.find((x) => x.contentType === 'image/png')!;
    expect(png.content.subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
    expect([png.cid, png.related]).to.deep.equal(['nps-trend@report', true]); // referenced from the HTML
    expect(String(mail.html)).not.to.match(/src="https?:/);
    // RFC 8058 one-click unsubscribe, from this report only.
    const list = mail.headers.get('list') as { unsubscribe: { url: string }; 'unsubscribe-post': { name: string } };
    const unsubscribe = list.unsubscribe.url;
    expect(list['unsubscribe-post'].name).to.equal('List-Unsubscribe=One-Click');
    const path = new URL(unsubscribe).pathname;
    expect((await request(ctx.app).get(path).expect(200)).text).to.contain('Stop getting'); // a GET changes nothing
    await request(ctx.app).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await request(ctx.app).get('/ru/not-a-real-token').expect(404);

    moveTo('2026-11-30T07:05:00Z');
    await Promise.all([a.runDue(), b.runDue()]);
    const second = inbox.smtp.received.slice(3);
    expect(second.map((m) => m.to[0]).sort()).to.deep.equal(['board@example.org', 'lead@example.com']);
    // A week without answers says so rather than showing a score of zero.
    expect(second[0]!.parsed.subject).to.equal('Weekly NPS: no responses (2026-11-23 to 2026-11-29)');
    expect(second[0]!.parsed.text).to.contain('No responses in this period, so there is no score to report.');
    expect(second[0]!.parsed.text).not.to.contain('NPS 0');
  });

  it('a worker killed mid-run: another takes over after the lease and mails no one twice', async () => {
    const survey = await weekOfAnswers();
    const admin = await signedInAs(ctx, 'admin');
    await newReport(admin, {
      name: 'Daily',
      surveyId: String(survey._id),
      frequency: 'daily',
      sendTime: '07:00',
      addresses: 'one@example.org\ntwo@example.org\nthree@example.org',
    });
    moveTo('2026-11-21T06:30:00Z'); // 07:30 in Berlin
    // Worker A hands the second email to a server that never answers: it "dies" there.
    const stalled: Mailer = {
      kind: 'smtp',
      send: (m) => (m.to === 'two@example.org' ? new Promise(() => undefined) : inbox.mailer.send(m)),
      close: () => Promise.resolve(),
    };
    void ctx.services.reportRuns.forWorker('a', { mailer: stalled }).runDue();
    for (let i = 0; i < 50 && inbox.smtp.received.length < 1; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 100));
    const b = ctx.services.reportRuns.forWorker('b', { mailer: inbox.mailer });
    await b.runDue(); // within the lease: B leaves A's run alone
    expect(inbox.smtp.received.map((m) => m.to[0])).to.deep.equal(['one@example.org']);
    ctx.clock.advance(11 * 60_000);
    await b.runDue();
    await b.runDue();
    expect(inbox.smtp.received.map((m) => m.to[0])).to.deep.equal(['one@example.org', 'three@example.org']);
    const run = (await ctx.models.reportRuns.findOne({}).lean())!;
    expect(run.status).to.equal('sent');
    expect(Object.fromEntries(Object.values(run.recipients ?? {}).map((r) => [r.email, r.state]))).to.deep.equal({
      'one@example.org': 'sent',
      'two@example.org': 'uncertain',
      'three@example.org': 'sent',
    });
  });

  it('previews the last period, sends it now to the signed-in user, and refuses bad input by name', async () => {
    await weekOfAnswers();
    const manager = await signedInAs(ctx, 'manager');
    const location = await newReport(manager, {
      name: 'Monthly',
      frequency: 'monthly',
      monthDay: '31',
      sendTime: '09:30',
      addresses: 'cfo@example.org',
    });
    const preview = (await manager.get(location).expect(200)).text;
    // Monthly on the 31st: the last one went out on 31 Oct and covered the days since 30 Sep.
    expect(preview).to.contain('2026-09-30 to 2026-10-30').and.contain('All surveys together (1): Shop NPS');
    expect(preview).to.contain('No responses in this period');
    expect(preview).to.contain('<svg').and.not.contain(' style="');
    // Its link to the figures (the home page, for all surveys) opens with the same dates.
    const link = /<a href="([^"]+)">Open the results page with the same filters/.exec(preview)![1]!;
    const figures = new URL(link.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
    expect((await manager.get(figures.pathname + figures.search).expect(200)).text).to.contain(
      'Custom dates: 2026-09-30 to 2026-10-30',
    );
    const _csrf = csrfTokenOf(preview);
    await manager.post(`${location}/send-now`).type('form').send({ _csrf }).expect(303);
    const out = await ctx.models.outboxMessages.find({}).lean();
    expect(out.map((m) => m.to)).to.deep.equal(['manager@example.com']);
    expect(out[0]!.headers).not.to.have.property('List-Unsubscribe'); // not a recipient: nothing to leave
    const bad = await manager
      .post('/reports')
      .type('form')
      .send({ _csrf, name: '', frequency: 'hourly', sendTime: '25:00', addresses: 'not-an-email' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('Name the report').and.contain('Choose daily, weekly or monthly');
    expect(bad.text)
      .to.contain('Enter the send time as HH:MM')
      .and.contain('&quot;not-an-email&quot; is not an email address');
    const ghost = await manager.post('/reports').type('form').send({
      _csrf,
      name: 'Ghost',
      surveyId: '000000000000000000000000',
      frequency: 'daily',
      sendTime: '08:00',
      addresses: 'a@example.org',
    });
    expect(ghost.status).to.equal(400);
    expect(ghost.text).to.contain('That survey does not exist');
    expect(await ctx.models.reports.countDocuments({})).to.equal(1);
    const viewer = await signedInAs(ctx, 'viewer');
    await viewer.get('/reports').expect(403);
  });
});
