import { expect } from 'chai';
import request from 'supertest';

import { renderSurveyEmail } from '../../server/sending/survey-email.js';
import { surveyDetailOf } from '../../server/surveys/survey-detail.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { respondHelpers, stampOf } from '../helpers/respond.js';

const DAY = 86_400_000;

describe('the respondent’s side (/r/<token>/<score>)', () => {
  const ctx = useTestContext();
  const { invited, answer, responseCount } = respondHelpers(ctx);

  it('opens the page with the clicked score selected and both questions, writing nothing but the click', async () => {
    const { token, invitation } = await invited();
    const page = await request(ctx.app).get(`/r/${token}/7`).expect(200);
    expect(page.text).to.match(/<input type="radio" name="score" value="7" checked/);
    expect(page.text.match(/name="score"[^>]* checked/g)).to.have.length(1);
    expect(page.text).to.contain('How likely are you to recommend Acme Bikes to a friend or colleague?');
    expect(page.text).to.contain('Would you buy from Acme Bikes again?');
    expect(page.text).to.contain('What is the main reason for your score?');
    for (const label of [
      'Definitely would',
      'Probably would',
      'Not sure',
      'Probably would not',
      'Definitely would not',
    ])
      expect(page.text).to.contain(`> ${label}</label>`);
    expect(page.headers['referrer-policy']).to.equal('no-referrer');
    expect(page.headers['set-cookie']).to.equal(undefined);
    // No personal data on the page: the customer has typed nothing yet.
    expect(page.text).not.to.contain('ana.secret');
    expect(page.text).not.to.contain('Secretname');
    expect(await responseCount()).to.equal(0);
    const after = await ctx.models.invitations.findById(invitation._id).lean();
    expect(after!.firstClickedAt).to.be.instanceOf(Date);
    expect(after!.respondedAt).to.equal(undefined);
  });

  it('lets a link scanner GET and HEAD every link of the real email without creating an answer', async () => {
    const { survey, token, invitation } = await invited();
    const email = renderSurveyEmail({
      survey: surveyDetailOf(survey.toObject()),
      contact: { email: 'ana.secret@example.com', name: 'Ana', locale: '' },
      token,
      invitationId: String(invitation._id),
      baseUrl: ctx.config.baseUrl,
      mailFrom: ctx.config.mailFrom,
    });
    const links = new Set(
      [...email.html.matchAll(/href="([^"]+)"/g), ...email.text.matchAll(/(https?:\/\/\S+)/g)].map((m) => m[1]!),
    );
    // 11 scores, the unsubscribe link and the hidden honeypot link.
    expect(links.size).to.equal(13);
    for (const link of links) {
      const path = new URL(link).pathname;
      await request(ctx.app)
        .get(path)
        .set('User-Agent', 'SafeLinks/1.0')
        .expect((res) => expect(res.status).to.be.oneOf([200, 204]));
      await request(ctx.app)
        .head(path)
        .set('User-Agent', 'SafeLinks/1.0')
        .expect((res) => expect(res.status).to.be.oneOf([200, 204]));
    }
    expect(await responseCount()).to.equal(0);
    const after = await ctx.models.invitations.findById(invitation._id).lean();
    expect(after!.respondedAt).to.equal(undefined);
    expect(after!.honeypotClients).to.have.length(1);
    expect((await ctx.models.contacts.findById(invitation.contactId).lean())!.unsubscribedAt).to.equal(undefined);
  });

  it('records score, category, repurchase answer, comment, snapshot and timing on the POST, then thanks the customer', async () => {
    const { token, invitation, contact } = await invited();
    const res = await answer(
      token,
      { score: '6', repurchase: 'probably_would', comment: 'Slow delivery,\r\nbut kind staff.' },
      { seconds: 12 },
    );
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/r/${token}/thanks`);
    const thanks = await request(ctx.app).get(`/r/${token}/thanks`).expect(200);
    expect(thanks.text).to.contain('Thank you!');
    expect(thanks.text).to.contain('We saved your answer');
    expect(thanks.text).to.contain('Probably would');
    expect(thanks.text).to.contain('Slow delivery,');

    const stored = await ctx.models.responses.find({}).lean();
    expect(stored).to.have.length(1);
    const r = stored[0]!;
    expect(r.score).to.equal(6);
    expect(r.category).to.equal('detractor');
    expect(r.repurchase).to.equal('probably_would');
    expect(r.comment).to.equal('Slow delivery,\r\nbut kind staff.');
    expect(r.channel).to.equal('email');
    expect(String(r.invitationId)).to.equal(String(invitation._id));
    expect(String(r.contactId)).to.equal(String(contact._id));
    expect(r.contactSnapshot).to.deep.equal({ plan: 'Pro', region: 'EU' });
    expect(r.review).to.equal('none');
    expect(r.botSignals!.secondsOnPage).to.equal(12);
    expect(r.botSignals!.secondsToFirstClick).to.equal(3600);
    expect(r.botSignals!.honeypot).to.equal(false);
    expect((await ctx.models.invitations.findById(invitation._id).lean())!.respondedAt).to.be.instanceOf(Date);
  });

  it('accepts a score alone (repurchase and reason are optional)', async () => {
    const { token } = await invited();
    expect((await answer(token, { score: '10' })).status).to.equal(303);
    const r = (await ctx.models.responses.findOne({}).lean())!;
    expect([r.score, r.category, r.repurchase, r.comment]).to.deep.equal([10, 'promoter', undefined, '']);
  });

  it('flags an answer from the client that followed the hidden honeypot link, and no one else’s', async () => {
    const first = await invited();
    await request(ctx.app).get(`/r/${first.token}/check`).set('User-Agent', 'HeadlessScanner').expect(204);
    expect((await answer(first.token, { score: '0' }, { userAgent: 'HeadlessScanner' })).status).to.equal(303);
    const flagged = (await ctx.models.responses.findOne({ invitationId: first.invitation._id }).lean())!;
    expect(flagged.review).to.equal('flagged');
    expect(flagged.botSignals!.honeypot).to.equal(true);
    expect(flagged.botSignals!.reasons).to.deep.equal(['honeypot']);
    // A flagged answer does not stop reminders: the person may still answer.
    expect((await ctx.models.invitations.findById(first.invitation._id).lean())!.respondedAt).to.equal(undefined);

    // The person behind a scanned mailbox answers from their own browser: theirs replaces the scanner's.
    expect((await answer(first.token, { score: '9' }, { userAgent: 'Person/1.0' })).status).to.equal(303);
    const replaced = (await ctx.models.responses.findOne({ invitationId: first.invitation._id }).lean())!;
    expect([replaced.score, replaced.review, replaced.botSignals!.honeypot]).to.deep.equal([9, 'none', false]);
    expect(await responseCount()).to.equal(1);
  });

  it('flags a form sent back within 2 seconds, and a page opened within 5 seconds of sending', async () => {
    const fast = await invited();
    expect((await answer(fast.token, { score: '3' }, { seconds: 1 })).status).to.equal(303);
    const a = (await ctx.models.responses.findOne({ invitationId: fast.invitation._id }).lean())!;
    expect([a.review, a.botSignals!.reasons]).to.deep.equal(['flagged', ['fast_submit']]);

    await ctx.models.invitations.deleteMany({});
    const instant = await invited({ sentAgoMs: 2000 });
    expect((await answer(instant.token, { score: '3' }, { seconds: 30 })).status).to.equal(303);
    const b = (await ctx.models.responses.findOne({ invitationId: instant.invitation._id }).lean())!;
    expect(b.botSignals!.secondsToFirstClick).to.equal(2);
    expect([b.review, b.botSignals!.reasons]).to.deep.equal(['flagged', ['instant_click']]);
  });

  it('leaves flagged responses out of the NPS until a manager accepts them; discarded ones never count', async () => {
    const promoter = await invited();
    expect((await answer(promoter.token, { score: '10' })).status).to.equal(303);
    const scanned = await invited({ survey: promoter.survey });
    expect((await answer(scanned.token, { score: '0' }, { seconds: 0.5 })).status).to.equal(303);
    const manager = await signedInAs(ctx, 'manager');

    let list = await manager.get('/surveys').expect(200);
    expect(list.text).to.contain('<span class="nps-value">+100</span>');
    expect(list.text).to.contain('n = 1');
    const show = await manager.get(`/surveys/${String(scanned.survey._id)}`).expect(200);
    expect(show.text).to.contain('1 response looks automated');
    const review = await manager.get(`/surveys/${String(scanned.survey._id)}/review`).expect(200);
    expect(review.text).to.contain('Sent the form faster than a person can read it');
    const flagged = (await ctx.models.responses.findOne({ review: 'flagged' }).lean())!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(review.text)![1]!;
    await manager
      .post(`/surveys/${String(scanned.survey._id)}/review/${String(flagged._id)}`)
      .type('form')
      .send({ _csrf: csrf, decision: 'accept' })
      .expect(303);
    expect((await ctx.models.responses.findById(flagged._id).lean())!.review).to.equal('accepted');
    expect((await ctx.models.invitations.findById(scanned.invitation._id).lean())!.respondedAt).to.be.instanceOf(Date);

    // Counted now: one promoter and one detractor of two responses.
    list = await manager.get('/surveys').expect(200);
    expect(list.text).to.contain('<span class="nps-value">0</span>');
    expect(list.text).to.contain('n = 2');

    const another = await invited({ survey: promoter.survey });
    expect((await answer(another.token, { score: '10' }, { seconds: 0.5 })).status).to.equal(303);
    const second = (await ctx.models.responses.findOne({ review: 'flagged' }).lean())!;
    await manager
      .post(`/surveys/${String(scanned.survey._id)}/review/${String(second._id)}`)
      .type('form')
      .send({ _csrf: csrf, decision: 'discard' })
      .expect(303);
    expect((await ctx.models.responses.findById(second._id).lean())!.review).to.equal('discarded');
    list = await manager.get('/surveys').expect(200);
    expect(list.text).to.contain('n = 2');
  });

  it('shows the stored answers on any score link and lets the customer change them for 7 days, not after', async () => {
    const { token } = await invited();
    expect((await answer(token, { score: '4', repurchase: 'not_sure', comment: 'meh' })).status).to.equal(303);

    const back = await request(ctx.app).get(`/r/${token}/10`).expect(200);
    expect(back.text).to.match(/value="4" checked/);
    expect(back.text).not.to.match(/value="10" checked/);
    expect(back.text).to.match(/value="not_sure" checked/);
    expect(back.text).to.contain('>meh</textarea>');
    expect(back.text).to.contain('You can change your answer until');
    expect(back.text).to.contain('Save my changes');

    ctx.clock.advance(6 * DAY);
    expect((await answer(token, { score: '8', repurchase: 'probably_would', comment: 'better now' })).status).to.equal(
      303,
    );
    let r = (await ctx.models.responses.findOne({}).lean())!;
    expect([r.score, r.category, r.repurchase, r.comment]).to.deep.equal([
      8,
      'passive',
      'probably_would',
      'better now',
    ]);

    ctx.clock.advance(1 * DAY + 1000);
    const locked = await request(ctx.app).get(`/r/${token}/2`).expect(200);
    expect(locked.text).to.contain('can no longer be changed');
    expect(locked.text).not.to.contain('name="stamp"');
    // A form still open in a tab from before the window closed changes nothing either.
    const res = await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp: stampOf(back.text), score: '0' })
      .expect(200);
    expect(res.text).to.contain('can no longer be changed');
    r = (await ctx.models.responses.findOne({}).lean())!;
    expect(r.score).to.equal(8);
    expect(await responseCount()).to.equal(1);
  });

  it('keeps one response per invitation under concurrent submits (double clicks)', async () => {
    const { token } = await invited();
    const page = await request(ctx.app).get(`/r/${token}/9`).expect(200);
    ctx.clock.advance(10_000);
    const stamp = stampOf(page.text);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        request(ctx.app)
          .post(`/r/${token}`)
          .type('form')
          .send({ stamp, score: String(i % 2 === 0 ? 9 : 10) }),
      ),
    );
    expect(results.map((r) => r.status)).to.deep.equal(Array(8).fill(303));
    expect(await responseCount()).to.equal(1);
  });

  it('saves the clicked score from the page script’s autosave without ever overwriting an answer', async () => {
    const { token } = await invited();
    const page = await request(ctx.app).get(`/r/${token}/8`).expect(200);
    expect(page.text).to.contain('data-autosave');
    expect(page.text).to.contain('<script src="/static/js/respond.js" defer></script>');
    ctx.clock.advance(3000);
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp: stampOf(page.text), score: '8', autosave: '1' })
      .expect(204);
    expect((await ctx.models.responses.findOne({}).lean())!.score).to.equal(8);
    ctx.clock.advance(20_000);
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp: stampOf(page.text), score: '8', repurchase: 'definitely_would', comment: 'Great' })
      .expect(303);
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp: stampOf(page.text), score: '2', autosave: '1' })
      .expect(204);
    const r = (await ctx.models.responses.findOne({}).lean())!;
    expect([r.score, r.repurchase, r.comment]).to.deep.equal([8, 'definitely_would', 'Great']);
  });
});
