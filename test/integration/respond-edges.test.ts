import { expect } from 'chai';
import request from 'supertest';

import { generateToken, hashToken } from '../../server/lib/tokens.js';
import { useTestContext } from '../helpers/context.js';
import { respondHelpers, stampOf } from '../helpers/respond.js';

describe('the respondent’s side: bad input, dead links, tokens and language', () => {
  const ctx = useTestContext();
  const { invited, answer, responseCount } = respondHelpers(ctx);

  describe('bad input', () => {
    const cases: [string, Record<string, string>, string][] = [
      ['a score above 10', { score: '11' }, 'Choose a score from 0 to 10.'],
      ['a negative score', { score: '-1' }, 'Choose a score from 0 to 10.'],
      ['no score', { comment: 'hello' }, 'Choose a score from 0 to 10.'],
      ['an unknown repurchase answer', { score: '9', repurchase: 'maybe' }, 'Choose one of the five answers'],
      ['a comment over 5,000 characters', { score: '9', comment: 'x'.repeat(5001) }, 'longer than 5,000 characters'],
    ];
    for (const [name, fields, message] of cases) {
      it(`refuses ${name} with 400 and a message on the page, writing nothing`, async () => {
        const { token } = await invited();
        const res = await answer(token, fields, { link: '9' });
        expect(res.status).to.equal(400);
        expect(res.text).to.contain(message);
        expect(res.text).to.contain('role="alert"');
        if (fields.comment) expect(res.text).to.contain(fields.comment.slice(0, 50));
        expect(await responseCount()).to.equal(0);
      });
    }

    it('refuses a missing or tampered page stamp, keeping what was typed', async () => {
      const { token } = await invited();
      const page = await request(ctx.app).get(`/r/${token}/9`);
      const stamp = stampOf(page.text);
      const tampered = stamp.slice(0, -4) + (stamp.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      for (const body of [
        { score: '9', comment: 'kept text' },
        { score: '9', comment: 'kept text', stamp: tampered },
      ]) {
        const res = await request(ctx.app).post(`/r/${token}`).type('form').send(body).expect(400);
        expect(res.text).to.contain('send them again');
        expect(res.text).to.contain('kept text');
      }
      expect(await responseCount()).to.equal(0);
    });

    it('shows "choose a score" for a score link outside 0-10', async () => {
      const { token } = await invited();
      const res = await request(ctx.app).get(`/r/${token}/11`).expect(400);
      expect(res.text).to.contain('Choose a score from 0 to 10.');
      expect(res.text).not.to.contain('checked');
    });

    it('stores a comment exactly as typed and shows it escaped', async () => {
      const { token } = await invited();
      const comment = '<script>alert("x")</script> & "quotes"';
      expect((await answer(token, { score: '5', comment })).status).to.equal(303);
      expect((await ctx.models.responses.findOne({}).lean())!.comment).to.equal(comment);
      const thanks = await request(ctx.app).get(`/r/${token}/thanks`).expect(200);
      expect(thanks.text).not.to.contain('<script>alert');
      expect(thanks.text).to.contain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
    });
  });

  describe('links that do not work', () => {
    it('answers unknown and malformed tokens with the same 404 page, on GET and POST, writing nothing', async () => {
      await invited();
      const pages = [
        await request(ctx.app).get(`/r/${generateToken()}/9`).expect(404),
        await request(ctx.app).get('/r/not-a-token/9').expect(404),
        await request(ctx.app).post(`/r/${generateToken()}`).type('form').send({ score: '9', stamp: 'x' }).expect(404),
        await request(ctx.app).post('/r/short').type('form').send({ score: '9', stamp: 'x' }).expect(404),
      ];
      for (const p of pages) expect(p.text).to.contain('This link does not work');
      expect(await responseCount()).to.equal(0);
    });

    it('answers 410 for a closed survey and for an unsubscribed contact, writing nothing', async () => {
      const closed = await invited({ surveyStatus: 'closed' });
      const res = await request(ctx.app).get(`/r/${closed.token}/9`).expect(410);
      expect(res.text).to.contain('This survey is closed');
      await request(ctx.app).post(`/r/${closed.token}`).type('form').send({ score: '9', stamp: 'x' }).expect(410);

      await ctx.models.contacts.deleteMany({});
      const unsubscribed = await invited({ unsubscribed: true });
      const page = await request(ctx.app).get(`/r/${unsubscribed.token}/9`).expect(410);
      expect(page.text).to.contain('You are unsubscribed');
      expect(await responseCount()).to.equal(0);
      expect((await ctx.models.invitations.findById(unsubscribed.invitation._id).lean())!.firstClickedAt).to.equal(
        undefined,
      );
    });

    it('slows down a client guessing tokens, but not one using its own link', async () => {
      const { token } = await invited();
      for (let i = 0; i < ctx.config.tokenFailuresPerMinute; i++)
        await request(ctx.app).get(`/r/${generateToken()}/9`).expect(404);
      await request(ctx.app).get(`/r/${generateToken()}/9`).expect(429);
      ctx.clock.advance(61_000);
      for (let i = 0; i < 40; i++) await request(ctx.app).get(`/r/${token}/9`).expect(200);
    });
  });

  it('stores only the hash of the token', async () => {
    const { token } = await invited();
    expect((await answer(token, { score: '9', comment: 'fine' })).status).to.equal(303);
    for (const collection of await ctx.connection.db!.collections()) {
      const docs = await collection.find({}).toArray();
      expect(JSON.stringify(docs), collection.collectionName).not.to.contain(token);
    }
    expect(await ctx.models.invitations.countDocuments({ tokenHash: hashToken(token) })).to.equal(1);
  });

  it('speaks the contact’s language', async () => {
    const { token } = await invited({ locale: 'de-CH' });
    const page = await request(ctx.app).get(`/r/${token}/9`).expect(200);
    expect(page.text).to.contain('lang="de"');
    expect(page.text).to.contain(
      'Wie wahrscheinlich ist es, dass Sie Acme Bikes einem Freund oder Kollegen weiterempfehlen?',
    );
    expect(page.text).to.contain('Würden Sie wieder bei Acme Bikes kaufen?');
    expect(page.text).to.contain('Antwort senden');
    const res = await answer(token, { score: '12' });
    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Wählen Sie eine Bewertung von 0 bis 10.');
  });
});
