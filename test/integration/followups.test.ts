import { expect } from 'chai';
import request from 'supertest';

import { matchesFollowUpRule } from '../../server/followups/followup-rules.js';
import { createOutboxMailer } from '../../server/sending/outbox.js';
import { createUser, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';

const HOUR = 3_600_000;

describe('follow-ups (close the loop)', () => {
  const ctx = useTestContext();

  async function answer(token: string, fields: Record<string, string>, seconds = 10) {
    const page = await request(ctx.app).get(`/r/${token}/${fields.score}`);
    ctx.clock.advance(seconds * 1000);
    const stamp = /name="stamp" value="([^"]+)"/.exec(page.text)![1]!;
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp, ...fields })
      .expect(303);
  }

  it('applies the rule: scores up to the limit, and optionally "would not buy again"', () => {
    const rule = { maxScore: 6, wouldNot: false };
    expect([0, 6, 7, 10].map((score) => matchesFollowUpRule(rule, { score }))).to.deep.equal([
      true,
      true,
      false,
      false,
    ]);
    expect(matchesFollowUpRule(rule, { score: 8, repurchase: 'definitely_would_not' })).to.be.false;
    expect(matchesFollowUpRule({ maxScore: 6, wouldNot: true }, { score: 8, repurchase: 'definitely_would_not' })).to.be
      .true;
    expect(matchesFollowUpRule({ maxScore: 6, wouldNot: true }, { score: 8, repurchase: 'probably_would_not' })).to.be
      .true;
    expect(matchesFollowUpRule({ maxScore: 6, wouldNot: true }, { score: 8, repurchase: 'not_sure' })).to.be.false;
    expect(matchesFollowUpRule({ maxScore: 4, wouldNot: false }, { score: 5 })).to.be.false;
  });

  it('opens one case per detractor answer, owned by the survey owner; none for promoters or flagged answers', async () => {
    const owner = await createUser(ctx, 'manager', 'owner@example.com');
    const survey = await makeSurvey(ctx, { status: 'active', ownerId: owner.id });
    const detractor = await makeInvitation(ctx, { survey });
    await answer(detractor.token, { score: '3', comment: 'Late again' });
    await answer(detractor.token, { score: '2', comment: 'Still late' }); // a change: still one case
    const promoter = await makeInvitation(ctx, { survey });
    await answer(promoter.token, { score: '10' });
    const scanner = await makeInvitation(ctx, { survey });
    await answer(scanner.token, { score: '0' }, 0.5);
    const cases = await ctx.models.followUps.find({}).lean();
    expect(cases).to.have.length(1);
    expect([cases[0]!.status, String(cases[0]!.ownerId)]).to.deep.equal(['open', owner.id]);
  });

  it('keeps a case open when the customer changes 3 to 9, and shows the score it was opened for', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const inv = await makeInvitation(ctx, { survey });
    await answer(inv.token, { score: '3', comment: 'Late again' });
    await answer(inv.token, { score: '9', comment: 'Sorted now' });
    const viewer = await signedInAs(ctx, 'viewer');
    const list = await viewer.get('/follow-ups').expect(200);
    expect(list.text).to.match(
      /9 <span class="muted">promoter<\/span><br><span class="answer-changed">changed from 3 \(detractor\)/,
    );
    const c = (await ctx.models.followUps.findOne({}).lean())!;
    expect([c.status, c.openedScore]).to.deep.equal(['open', 3]);
    const page = await viewer.get(`/follow-ups/${String(c._id)}`).expect(200);
    expect(page.text).to.contain('The customer changed the answer: this case was opened for 3 (detractor).');
  });

  it('follows the rule set on the survey’s edit page ("would not buy again" too)', async () => {
    const manager = await signedInAs(ctx, 'manager');
    const survey = await makeSurvey(ctx, { status: 'active' });
    const edit = await manager.get(`/surveys/${String(survey._id)}/edit`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(edit.text)![1]!;
    await manager
      .post(`/surveys/${String(survey._id)}`)
      .type('form')
      .send({
        _csrf: csrf,
        name: 'Customer NPS',
        companyName: 'Acme',
        recommendQuestion: 'How likely are you to recommend {company}?',
        repurchaseQuestion: 'Again?',
        reasonQuestion: 'Why?',
        language: 'en',
        reminderAfterDays: '3',
        followUpMaxScore: '4',
        followUpWouldNot: 'on',
      })
      .expect(303);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.followUpRule).to.deep.equal({
      maxScore: 4,
      wouldNot: true,
    });
    const five = await makeInvitation(ctx, { survey });
    await answer(five.token, { score: '5' });
    const eight = await makeInvitation(ctx, { survey });
    await answer(eight.token, { score: '8', repurchase: 'definitely_would_not' });
    const cases = await ctx.models.followUps.find({}).lean();
    const scores = await Promise.all(
      cases.map(async (c) => (await ctx.models.responses.findById(c.responseId).lean())!.score),
    );
    expect(scores).to.deep.equal([8]);
  });

  it('alerts by digest: a burst of detractors makes one email per owner, each case once, through the mailer', async () => {
    const owner = await createUser(ctx, 'manager', 'owner@example.com');
    await createUser(ctx, 'admin', 'admin@example.com');
    const survey = await makeSurvey(ctx, { status: 'active', ownerId: owner.id, name: 'Support NPS' });
    const orphan = await makeSurvey(ctx, { status: 'active', name: 'No owner' });
    for (const comment of ['Too slow', 'Rude', 'Broken']) {
      const inv = await makeInvitation(ctx, { survey });
      await answer(inv.token, { score: '2', comment });
    }
    const lonely = await makeInvitation(ctx, { survey: orphan });
    await answer(lonely.token, { score: '4', comment: 'Who reads this?' });
    const followUps = ctx.services.followUpAlerts;
    const mailer = createOutboxMailer(ctx.models.outboxMessages);
    const send = () => followUps.sendDigests({ mailer, baseUrl: ctx.config.baseUrl, mailFrom: ctx.config.mailFrom });
    expect(await send()).to.equal(2);
    const mails = await ctx.models.outboxMessages.find({}).lean();
    const toOwner = mails.find((m) => m.to === 'owner@example.com')!;
    expect(toOwner.subject).to.equal('3 answers need a follow-up');
    for (const comment of ['Too slow', 'Rude', 'Broken']) expect(toOwner.text).to.contain(comment);
    expect(toOwner.text.match(/\/follow-ups\/[a-f0-9]{24}/g)).to.have.length(3);
    const toAdmin = mails.find((m) => m.to === 'admin@example.com')!;
    expect(toAdmin.subject).to.equal('A detractor answer needs a follow-up');
    expect(toAdmin.text).to.contain('Who reads this?');
    expect(await send()).to.equal(0); // nothing new: no second email
    const viewer = await signedInAs(ctx, 'viewer');
    const mine = await viewer.get(`/follow-ups?owner=${owner.id}`).expect(200);
    expect(mine.text.match(/<tr><td><a href="\/follow-ups\//g)).to.have.length(3);
    expect(mine.text).not.to.contain('Who reads this?');
    const later = await makeInvitation(ctx, { survey });
    await answer(later.token, { score: '1', comment: 'Again' });
    expect(await send()).to.equal(1);
    expect(await ctx.models.outboxMessages.countDocuments({})).to.equal(3);
  });

  it('replies to the customer from the case through the configured sender, and logs it', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', senderName: 'Acme Care', replyTo: 'care@acme.example' });
    const inv = await makeInvitation(ctx, { survey });
    await answer(inv.token, { score: '3', comment: 'Broken on arrival' });
    const id = String((await ctx.models.followUps.findOne({}).lean())!._id);
    const manager = await signedInAs(ctx, 'manager');
    const page = await manager.get(`/follow-ups/${id}`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await manager
      .post(`/follow-ups/${id}/reply`)
      .type('form')
      .send({ _csrf: csrf, subject: 'Sorry about that', message: 'A replacement is on its way.' })
      .expect(303);
    const after = await manager.get(res.headers.location!).expect(200);
    expect(after.text).to.contain(`Reply sent to ${inv.contact.email}`);
    expect(after.text).to.contain('Replied by email to');
    const mail = (await ctx.models.outboxMessages.findOne({}).lean())!;
    expect([mail.to, mail.subject, mail.text, mail.replyTo]).to.deep.equal([
      inv.contact.email,
      'Sorry about that',
      'A replacement is on its way.',
      'care@acme.example',
    ]);
    expect(mail.from).to.match(/^"Acme Care" </);
    const empty = await manager
      .post(`/follow-ups/${id}/reply`)
      .type('form')
      .send({ _csrf: csrf, subject: 'x', message: '' })
      .expect(303);
    expect((await manager.get(empty.headers.location!).expect(200)).text).to.contain('Write the message.');
    expect(await ctx.models.outboxMessages.countDocuments({})).to.equal(1);
  });

  it('lets managers assign, note, work and close a case; tracks times; viewers only read', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', name: 'Support NPS' });
    const inv = await makeInvitation(ctx, { survey });
    await answer(inv.token, { score: '1', comment: 'Rude <b>agent</b>' });
    const followUp = (await ctx.models.followUps.findOne({}).lean())!;
    const id = String(followUp._id);
    const viewer = await signedInAs(ctx, 'viewer');
    const list = await viewer.get('/follow-ups').expect(200);
    expect(list.text).to.contain('Rude &lt;b&gt;agent&lt;/b&gt;');
    const page = await viewer.get(`/follow-ups/${id}`).expect(200);
    expect(page.text).not.to.contain('Work the case');
    const viewerCsrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await viewer.post(`/follow-ups/${id}`).type('form').send({ _csrf: viewerCsrf, action: 'start' }).expect(403);

    const manager = await signedInAs(ctx, 'manager');
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await manager.get(`/follow-ups/${id}`).expect(200)).text)![1]!;
    const managerUser = (await ctx.models.users.findOne({ role: 'manager' }).lean())!;
    ctx.clock.advance(2 * HOUR);
    await manager
      .post(`/follow-ups/${id}`)
      .type('form')
      .send({ _csrf: csrf, action: 'assign', ownerId: String(managerUser._id) })
      .expect(303);
    ctx.clock.advance(HOUR);
    await manager
      .post(`/follow-ups/${id}`)
      .type('form')
      .send({ _csrf: csrf, action: 'note', text: 'Called, apologised, refund sent.' })
      .expect(303);
    const bad = await manager
      .post(`/follow-ups/${id}`)
      .type('form')
      .send({ _csrf: csrf, action: 'close', outcome: 'vanished' })
      .expect(303);
    expect((await manager.get(bad.headers.location!).expect(200)).text).to.contain('Choose how the case ended.');
    ctx.clock.advance(3 * HOUR);
    await manager
      .post(`/follow-ups/${id}`)
      .type('form')
      .send({ _csrf: csrf, action: 'close', outcome: 'resolved' })
      .expect(303);
    const closed = (await ctx.models.followUps.findById(id).lean())!;
    expect([closed.status, closed.outcome, closed.notes.length]).to.deep.equal(['closed', 'resolved', 1]);
    expect((closed.firstActionAt!.getTime() - closed.openedAt.getTime()) / HOUR).to.equal(2);
    expect((closed.closedAt!.getTime() - closed.openedAt.getTime()) / HOUR).to.equal(6);
    // Closing twice: the second one says the case changed, and nothing moves.
    await manager
      .post(`/follow-ups/${id}`)
      .type('form')
      .send({ _csrf: csrf, action: 'close', outcome: 'churned' })
      .expect(303);
    expect((await ctx.models.followUps.findById(id).lean())!.outcome).to.equal('resolved');
    const timings = await manager.get('/follow-ups?status=closed').expect(200);
    expect(timings.text).to.match(
      /<th scope="row">Support NPS<\/th><td class="num">1<\/td><td class="num">2\.0<\/td><td class="num">1<\/td><td class="num">6\.0<\/td>/,
    );
    expect((await manager.get(`/follow-ups/${id}`).expect(200)).text).to.contain('Called, apologised, refund sent.');
  });
});
