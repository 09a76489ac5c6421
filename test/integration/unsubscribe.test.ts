import { expect } from 'chai';
import request from 'supertest';

import { generateToken, hashToken } from '../../server/lib/tokens.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';

describe('unsubscribe links (RFC 8058)', () => {
  const ctx = useTestContext();

  async function invitedContact(locale = '') {
    const survey = await makeSurvey(ctx, { status: 'active', companyName: 'Acme Bikes' });
    const contact = await ctx.models.contacts.create({ email: 'ana@example.com', name: 'Ana', locale });
    const token = generateToken();
    await ctx.models.invitations.create({
      surveyId: survey._id,
      contactId: contact._id,
      tokenHash: hashToken(token),
      queuedAt: new Date(),
      status: 'sent',
    });
    return { contact, token };
  }
  const unsubscribedAt = async (id: unknown) => (await ctx.models.contacts.findById(id).lean())!.unsubscribedAt;

  it('shows a confirmation on GET and HEAD without changing anything or setting a cookie', async () => {
    const { contact, token } = await invitedContact();
    const page = await request(ctx.app).get(`/u/${token}`).expect(200);
    expect(page.text).to.contain('Unsubscribe from surveys?');
    expect(page.text).to.contain('You will get no more survey email from Acme Bikes.');
    expect(page.headers['set-cookie']).to.equal(undefined);
    expect(page.headers['referrer-policy']).to.equal('no-referrer');
    await request(ctx.app).head(`/u/${token}`).expect(200);
    expect(await unsubscribedAt(contact._id)).to.equal(undefined);
  });

  it('unsubscribes on the one-click POST, with no cookie or CSRF token, answering 200; repeating changes nothing', async () => {
    const { contact, token } = await invitedContact();
    const res = await request(ctx.app).post(`/u/${token}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(res.text).to.contain('You are unsubscribed');
    expect(res.headers['set-cookie']).to.equal(undefined);
    const first = await unsubscribedAt(contact._id);
    expect(first).to.be.instanceOf(Date);
    ctx.clock.advance(60_000);
    await request(ctx.app).post(`/u/${token}`).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect((await unsubscribedAt(contact._id))!.getTime()).to.equal(first!.getTime());
    expect((await request(ctx.app).get(`/u/${token}`).expect(200)).text).to.contain('You are unsubscribed');
  });

  it('speaks the contact’s language', async () => {
    const { token } = await invitedContact('de-AT');
    const page = await request(ctx.app).get(`/u/${token}`).expect(200);
    expect(page.text).to.contain('lang="de"');
    expect(page.text).to.contain('Umfragen abbestellen?');
  });

  it('answers an unknown or malformed token with the same 404 page and writes nothing', async () => {
    const { contact } = await invitedContact();
    const unknown = await request(ctx.app)
      .post(`/u/${generateToken()}`)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(404);
    const malformed = await request(ctx.app).get('/u/not-a-token').expect(404);
    expect(unknown.text).to.contain('This link does not work');
    expect(malformed.text).to.contain('This link does not work');
    expect(await unsubscribedAt(contact._id)).to.equal(undefined);
  });

  it('slows down a client guessing tokens', async () => {
    const statuses: number[] = [];
    const limit = ctx.config.tokenFailuresPerMinute;
    for (let i = 0; i <= limit; i++) statuses.push((await request(ctx.app).get(`/u/${generateToken()}`)).status);
    expect(statuses.slice(0, limit).every((s) => s === 404)).to.be.true;
    expect(statuses[limit]).to.equal(429);
  });
});
