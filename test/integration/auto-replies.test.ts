import { expect } from 'chai';
import request from 'supertest';

import { csrfTokenOf, signedInAs, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { respondHelpers } from '../helpers/respond.js';

const MINUTE = 60_000;

describe('automatic replies to respondents', () => {
  const ctx = useTestContext();
  const { invited, answer } = respondHelpers(ctx);
  const sent = () => ctx.models.outboxMessages.find({}).sort({ createdAt: 1 }).lean();

  async function turnOn(manager: Agent, surveyId: string, extra: Record<string, string> = {}) {
    const path = `/surveys/${surveyId}/auto-replies`;
    const _csrf = csrfTokenOf((await manager.get(path).expect(200)).text);
    const res = await manager
      .post(path)
      .type('form')
      .send({
        _csrf,
        promoter_enabled: 'on',
        promoter_subject: 'Thank you from {company}',
        promoter_body: 'Hello {name},\n\nthank you!',
        promoter_delay: '60',
        passive_subject: '',
        passive_body: '',
        passive_delay: '60',
        detractor_enabled: 'on',
        detractor_subject: 'We are sorry, {name}',
        detractor_body: 'Hello {name},\n\nsomeone will contact you.',
        detractor_delay: '30',
        reviewUrl: 'https://reviews.example.com/acme',
        ...extra,
      });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
  }

  it('sends the category’s reply after the delay, once, from the survey’s sender, with the review link for promoters', async () => {
    const { survey, token, contact } = await invited();
    const manager = await signedInAs(ctx, 'manager');
    await turnOn(manager, String(survey._id));
    const thanks = await answer(token, { score: '9' });
    expect(thanks.status).to.equal(303);
    const page = await request(ctx.app).get(thanks.headers.location as string);
    expect(page.text).to.contain('href="https://reviews.example.com/acme"').and.contain('Would you leave us a review?');

    expect(await ctx.services.autoReplies.sendDue()).to.equal(0); // not yet: an hour's delay
    ctx.clock.advance(59 * MINUTE);
    expect(await ctx.services.autoReplies.sendDue()).to.equal(0);
    ctx.clock.advance(2 * MINUTE);
    expect(await ctx.services.autoReplies.sendDue()).to.equal(1);
    const [mail] = await sent();
    expect(mail!.to).to.equal(contact.email);
    expect(mail!.from).to.contain('Acme Bikes');
    expect(mail!.subject).to.equal('Thank you from Acme Bikes');
    expect(mail!.text).to.contain('Hello Ana Secretname,').and.contain('https://reviews.example.com/acme');
    expect((mail!.headers as unknown as Record<string, string>)['Auto-Submitted']).to.equal('auto-replied');
    // Editing the answer (still a promoter) sends nothing more.
    await answer(token, { score: '10' }, { link: '10' });
    ctx.clock.advance(2 * 60 * MINUTE);
    await ctx.services.autoReplies.sendDue();
    expect(await sent()).to.have.length(1);
    // The contact's page shows it.
    const contactPage = (await manager.get(`/contacts/${String(contact._id)}`).expect(200)).text;
    expect(contactPage).to.contain('Automatic replies').and.contain('Thank you from Acme Bikes');
  });

  it('sends a due reply once when two workers look at the same moment', async () => {
    const { survey, token } = await invited();
    await turnOn(await signedInAs(ctx, 'manager'), String(survey._id));
    await answer(token, { score: '9' });
    ctx.clock.advance(61 * MINUTE);
    const settled = await Promise.all([ctx.services.autoReplies.sendDue(), ctx.services.autoReplies.sendDue()]);
    expect(settled.reduce((a, b) => a + b, 0)).to.equal(1);
    expect(await sent()).to.have.length(1);
  });

  it('cancels a reply when the answer changes category before the delay, and never sends a second one', async () => {
    const { survey, token } = await invited();
    await turnOn(await signedInAs(ctx, 'manager'), String(survey._id));
    await answer(token, { score: '9' });
    ctx.clock.advance(10 * MINUTE);
    await answer(token, { score: '3' }, { link: '3' }); // now a detractor: the thank-you is cancelled
    const cancelled = await ctx.models.autoReplies.findOne({ category: 'promoter' }).lean();
    expect([cancelled!.status, cancelled!.reason]).to.deep.equal([
      'cancelled',
      'the answer changed to detractor before the delay passed',
    ]);
    ctx.clock.advance(31 * MINUTE);
    expect(await ctx.services.autoReplies.sendDue()).to.equal(1);
    expect((await sent()).map((m) => m.subject)).to.deep.equal(['We are sorry, Ana Secretname']);
    // Back to a promoter after the apology went out: at most one reply per answer.
    await answer(token, { score: '10' }, { link: '10' });
    ctx.clock.advance(61 * MINUTE);
    await ctx.services.autoReplies.sendDue();
    expect(await sent()).to.have.length(1);
    const second = await ctx.models.autoReplies.findOne({ category: 'promoter' }).lean();
    expect(second!.status).to.equal('cancelled'); // the first promoter reply stays cancelled: unique per category
  });

  it('respects unsubscribes, never replies to flagged answers, and names bad settings', async () => {
    const { survey, token, contact } = await invited();
    const manager = await signedInAs(ctx, 'manager');
    await turnOn(manager, String(survey._id));
    await answer(token, { score: '2' });
    await ctx.models.contacts.updateOne({ _id: contact._id }, { $set: { unsubscribedAt: ctx.clock.now() } });
    const bot = await invited({ survey });
    await answer(bot.token, { score: '1' }, { seconds: 0.5 }); // flagged as automated
    ctx.clock.advance(31 * MINUTE);
    await ctx.services.autoReplies.sendDue();
    expect(await sent()).to.have.length(0);
    const replies = await ctx.models.autoReplies.find({}).lean();
    expect(replies.map((r) => [r.status, r.reason])).to.deep.equal([['skipped', 'the contact unsubscribed']]);

    const path = `/surveys/${String(survey._id)}/auto-replies`;
    const _csrf = csrfTokenOf((await manager.get(path)).text);
    const bad = await manager.post(path).type('form').send({
      _csrf,
      promoter_enabled: 'on',
      promoter_body: '',
      promoter_delay: '-5',
      reviewUrl: 'http://not-https.example.com',
    });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('Write the message, or turn this reply off.');
    expect(bad.text).to.contain('Enter a delay from 0 to 10080 minutes');
    expect(bad.text).to.contain('full https:// address');
    const viewer = await signedInAs(ctx, 'viewer');
    await viewer.get(path).expect(403);
  });
});
