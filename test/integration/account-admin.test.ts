import { expect } from 'chai';
import request from 'supertest';

import {
  browser,
  createUser,
  DEFAULT_PASSWORD,
  formToken,
  sessionCookie,
  signedInAs,
  signIn,
} from '../helpers/agent.js';
import { createTestContext, useTestContext } from '../helpers/context.js';

describe('accounts: own account, admin controls and sessions', () => {
  const ctx = useTestContext();

  describe('own account and admin controls', () => {
    it('changes the password after checking the current one, and signs out the other devices', async () => {
      await createUser(ctx, 'viewer');
      const phone = browser(ctx.app);
      await signIn(phone, 'viewer@example.com');
      const laptop = browser(ctx.app);
      await signIn(laptop, 'viewer@example.com');

      const token = await formToken(laptop, '/account');
      const wrong = await laptop
        .post('/account/password')
        .type('form')
        .send({
          _csrf: token,
          currentPassword: 'not my password',
          password: 'a brand new passphrase',
          passwordConfirm: 'a brand new passphrase',
        })
        .expect(400);
      expect(wrong.text).to.contain('That is not your current password.');

      await laptop
        .post('/account/password')
        .type('form')
        .send({
          _csrf: token,
          currentPassword: DEFAULT_PASSWORD,
          password: 'a brand new passphrase',
          passwordConfirm: 'a brand new passphrase',
        })
        .expect(303)
        .expect('location', '/account');
      expect((await laptop.get('/account').expect(200)).text).to.contain('Your password is changed');
      await phone.get('/surveys').expect(303);

      const old = browser(ctx.app);
      const t = await formToken(old, '/login');
      await old
        .post('/login')
        .type('form')
        .send({ _csrf: t, email: 'viewer@example.com', password: DEFAULT_PASSWORD })
        .expect(401);
      await signIn(browser(ctx.app), 'viewer@example.com', 'a brand new passphrase');
    });

    it('lets an admin disable an account: its sessions end at once and it cannot sign in until enabled', async () => {
      const viewer = await createUser(ctx, 'viewer');
      const viewerBrowser = browser(ctx.app);
      await signIn(viewerBrowser, viewer.email);
      const admin = await signedInAs(ctx, 'admin');
      const token = await formToken(admin, '/users');

      await admin
        .post(`/users/${viewer.id}/disabled`)
        .type('form')
        .send({ _csrf: token, disabled: 'true' })
        .expect(303);
      expect(await ctx.connection.db!.collection('sessions').countDocuments({ 'session.userId': viewer.id })).to.equal(
        0,
      );
      await viewerBrowser.get('/surveys').expect(303);
      const again = browser(ctx.app);
      const t = await formToken(again, '/login');
      await again
        .post('/login')
        .type('form')
        .send({ _csrf: t, email: viewer.email, password: DEFAULT_PASSWORD })
        .expect(401);

      await admin
        .post(`/users/${viewer.id}/disabled`)
        .type('form')
        .send({ _csrf: token, disabled: 'false' })
        .expect(303);
      await signIn(browser(ctx.app), viewer.email);
    });

    it('does not let an admin disable their own account', async () => {
      const admin = await signedInAs(ctx, 'admin');
      const self = await ctx.models.users.findOne({ role: 'admin' }).lean();
      const token = await formToken(admin, '/users');
      await admin
        .post(`/users/${String(self!._id)}/disabled`)
        .type('form')
        .send({ _csrf: token, disabled: 'true' })
        .expect(303);
      expect((await admin.get('/users').expect(200)).text).to.contain('You cannot disable your own account.');
      expect((await ctx.models.users.findById(self!._id).lean())?.disabledAt).to.equal(undefined);
    });
  });

  describe('sessions', () => {
    it('keeps sessions in MongoDB, so another app instance serves the same signed-in user', async () => {
      const agent = await signedInAs(ctx, 'manager');
      expect(await ctx.connection.db!.collection('sessions').countDocuments({})).to.equal(1);
      const other = await createTestContext();
      try {
        const res = await agent.get('/surveys').expect(200);
        const cookie = (res.request as unknown as { cookies: string }).cookies;
        const viaOther = await request(other.app).get('/surveys').set('Cookie', cookie).expect(200);
        expect(viaOther.text).to.contain('Manager User');
      } finally {
        await other.close();
      }
    });

    it('sets the session cookie HttpOnly and SameSite=Lax, and Secure behind https', async () => {
      await createUser(ctx, 'viewer');
      const page = await browser(ctx.app).get('/login').expect(200);
      const cookie = sessionCookie(page)!;
      expect(cookie).to.match(/HttpOnly/i);
      expect(cookie).to.match(/SameSite=Lax/i);
      expect(cookie).not.to.match(/Secure/i);

      const https = await createTestContext({ BASE_URL: 'https://nps.example.com', TRUST_PROXY: '1' });
      try {
        const securePage = await request(https.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
        expect(sessionCookie(securePage)).to.match(/Secure/i);
      } finally {
        await https.close();
      }
    });

    it('ends a session after the absolute lifetime even when it is used all the time', async () => {
      const agent = await signedInAs(ctx, 'viewer');
      await agent.get('/surveys').expect(200);
      ctx.clock.advance(11 * 3_600_000);
      await agent.get('/surveys').expect(200);
      ctx.clock.advance(2 * 3_600_000);
      await agent.get('/surveys').expect(303).expect('location', '/login?next=%2Fsurveys');
    });

    it('gives the cookie the idle timeout as its lifetime, renewed on every request', async () => {
      const agent = await signedInAs(ctx, 'viewer');
      const res = await agent.get('/surveys').expect(200);
      const cookie = sessionCookie(res)!;
      const expires = /Expires=([^;]+)/.exec(cookie)?.[1];
      const lifetimeMs = new Date(expires!).getTime() - Date.now();
      expect(lifetimeMs).to.be.within(59 * 60_000, 60 * 60_000 + 1000);
    });

    it('signs out a user whose account was disabled', async () => {
      const agent = await signedInAs(ctx, 'viewer');
      await ctx.models.users.updateOne({ email: 'viewer@example.com' }, { $set: { disabledAt: new Date() } });
      await agent.get('/surveys').expect(303);
    });
  });
});
