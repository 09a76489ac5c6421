import { expect } from 'chai';
import request from 'supertest';

import { browser, createUser, csrfTokenOf, DEFAULT_PASSWORD, formToken, signedInAs, signIn } from '../helpers/agent.js';
import { createTestContext, useTestContext } from '../helpers/context.js';

function sessionCookie(res: request.Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((c) => c.startsWith('nps.sid='));
}

describe('accounts: setup, sign-in and sessions', () => {
  const ctx = useTestContext();

  describe('first-run setup', () => {
    it('sends a fresh install to the setup page and creates the first admin there', async () => {
      const agent = browser(ctx.app);
      await agent.get('/').expect(303).expect('location', '/login?next=%2F');
      await agent.get('/login').expect(303).expect('location', '/setup');
      const token = await formToken(agent, '/setup');
      await agent
        .post('/setup')
        .type('form')
        .send({
          _csrf: token,
          email: 'Owner@Example.com',
          name: 'Owner',
          password: DEFAULT_PASSWORD,
          passwordConfirm: DEFAULT_PASSWORD,
        })
        .expect(303)
        .expect('location', '/');
      const page = await agent.get('/surveys').expect(200);
      expect(page.text).to.contain('Your admin account is ready');
      expect(page.text).to.contain('Owner');

      const users = await ctx.models.users.find({}).select('+passwordHash').lean();
      expect(users).to.have.length(1);
      expect(users[0]).to.include({ email: 'owner@example.com', role: 'admin' });
      expect(users[0]!.passwordHash).to.match(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    });

    it('closes for good once an account exists', async () => {
      await createUser(ctx, 'admin');
      const agent = browser(ctx.app);
      await agent.get('/setup').expect(303).expect('location', '/login');
      const token = await formToken(agent, '/login');
      await agent
        .post('/setup')
        .type('form')
        .send({
          _csrf: token,
          email: 'intruder@example.com',
          password: DEFAULT_PASSWORD,
          passwordConfirm: DEFAULT_PASSWORD,
        })
        .expect(303);
      expect(await ctx.models.users.countDocuments({})).to.equal(1);
    });

    it('creates exactly one admin when two setup forms are submitted at the same time', async () => {
      const agents = [browser(ctx.app), browser(ctx.app), browser(ctx.app)];
      const tokens = await Promise.all(agents.map((a) => formToken(a, '/setup')));
      await Promise.all(
        agents.map((a, i) =>
          a
            .post('/setup')
            .type('form')
            .send({
              _csrf: tokens[i],
              email: `admin${i}@example.com`,
              password: DEFAULT_PASSWORD,
              passwordConfirm: DEFAULT_PASSWORD,
            }),
        ),
      );
      expect(await ctx.models.users.countDocuments({})).to.equal(1);
    });

    it('shows each bad field beside its input and keeps what was typed, but never the password', async () => {
      const agent = browser(ctx.app);
      const token = await formToken(agent, '/setup');
      const res = await agent
        .post('/setup')
        .type('form')
        .send({ _csrf: token, email: 'not-an-email', name: 'Kim', password: 'short', passwordConfirm: 'different' })
        .expect(400);
      expect(res.text).to.contain('Enter a valid email address');
      expect(res.text).to.contain('Use at least 12 characters');
      expect(res.text).to.contain('value="not-an-email"');
      expect(res.text).to.contain('value="Kim"');
      expect(res.text).not.to.contain('value="short"');
      expect(res.text).to.contain('aria-invalid="true"');
      expect(await ctx.models.users.countDocuments({})).to.equal(0);
    });
  });

  describe('sign-in', () => {
    it('signs in with a new session id and returns to the page asked for', async () => {
      await createUser(ctx, 'viewer');
      const agent = browser(ctx.app);
      const loginPage = await agent.get('/login?next=%2Fcontacts').expect(200);
      const before = sessionCookie(loginPage);
      expect(before, 'the login form starts a session for its CSRF token').to.be.a('string');
      const res = await agent
        .post('/login')
        .type('form')
        .send({
          _csrf: csrfTokenOf(loginPage.text),
          email: 'viewer@example.com',
          password: DEFAULT_PASSWORD,
          next: '/contacts',
        })
        .expect(303)
        .expect('location', '/contacts');
      const after = sessionCookie(res);
      expect(after).to.be.a('string');
      expect(after!.split(';')[0]).not.to.equal(before!.split(';')[0]);
      await agent.get('/contacts').expect(200);
    });

    it('never redirects off-site after sign-in', async () => {
      await createUser(ctx, 'viewer');
      const agent = browser(ctx.app);
      const token = await formToken(agent, '/login');
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'viewer@example.com', password: DEFAULT_PASSWORD, next: '//evil.example.com/' })
        .expect(303)
        .expect('location', '/');
    });

    it('answers a wrong password and an unknown email the same way', async () => {
      await createUser(ctx, 'viewer');
      const agent = browser(ctx.app);
      const token = await formToken(agent, '/login');
      const wrong = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'viewer@example.com', password: 'wrong password here' })
        .expect(401);
      const unknown = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'nobody@example.com', password: 'wrong password here' })
        .expect(401);
      expect(wrong.text).to.contain('That email and password do not match an account');
      expect(unknown.text).to.contain('That email and password do not match an account');
      expect(wrong.text).to.contain('value="viewer@example.com"');
    });

    it('answers the 11th rapid failed sign-in with 429, counted in the database', async () => {
      await createUser(ctx, 'viewer');
      const agent = browser(ctx.app);
      const token = await formToken(agent, '/login');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        const res = await agent
          .post('/login')
          .type('form')
          .send({ _csrf: token, email: 'viewer@example.com', password: `guess number ${i}` });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
      expect(statuses[10]).to.equal(429);
      const blocked = await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'viewer@example.com', password: DEFAULT_PASSWORD });
      expect(blocked.status, 'even the right password waits until the window ends').to.equal(429);
      expect(blocked.text).to.contain('Wait 15 minutes');
      expect(await ctx.models.rateLimits.countDocuments({})).to.equal(1);
    });

    it('shares the failed sign-in count between app instances', async () => {
      await createUser(ctx, 'viewer');
      const other = await createTestContext();
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 11; i++) {
          const agent = browser((i % 2 === 0 ? ctx : other).app);
          const token = await formToken(agent, '/login');
          statuses.push(
            (
              await agent
                .post('/login')
                .type('form')
                .send({ _csrf: token, email: 'viewer@example.com', password: `guess ${i} wrong` })
            ).status,
          );
        }
        expect(statuses.slice(0, 10)).to.deep.equal(Array(10).fill(401));
        expect(statuses[10]).to.equal(429);
      } finally {
        await other.close();
      }
    });

    it('lets sign-in attempts through again once the 15-minute window has passed', async () => {
      await createUser(ctx, 'viewer');
      const agent = browser(ctx.app);
      const token = await formToken(agent, '/login');
      for (let i = 0; i < 10; i++)
        await agent
          .post('/login')
          .type('form')
          .send({ _csrf: token, email: 'viewer@example.com', password: `guess ${i} wrong` })
          .expect(401);
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'viewer@example.com', password: DEFAULT_PASSWORD })
        .expect(429);
      ctx.clock.advance(15 * 60_000 + 1000);
      await agent
        .post('/login')
        .type('form')
        .send({ _csrf: token, email: 'viewer@example.com', password: DEFAULT_PASSWORD })
        .expect(303);
    });

    it('never stores or logs a password in clear', async () => {
      const secret = 'my very secret passphrase 42';
      const admin = await createUser(ctx, 'admin', 'admin@example.com', secret);
      const agent = browser(ctx.app);
      await signIn(agent, admin.email, secret);
      const token = await formToken(agent, '/users');
      await agent
        .post('/users')
        .type('form')
        .send({ _csrf: token, email: 'new@example.com', role: 'viewer', password: `${secret} too` })
        .expect(303);
      const failing = browser(ctx.app);
      const t2 = await formToken(failing, '/login');
      await failing
        .post('/login')
        .type('form')
        .send({ _csrf: t2, email: admin.email, password: `${secret} wrong` })
        .expect(401);

      const logText = ctx.logs.join('');
      expect(ctx.logs.length).to.be.greaterThan(3);
      expect(logText).not.to.contain('secret passphrase');
      const raw = await ctx.connection.db!.collection('users').find({}).toArray();
      expect(JSON.stringify(raw)).not.to.contain('secret passphrase');
      const sessions = await ctx.connection.db!.collection('sessions').find({}).toArray();
      expect(JSON.stringify(sessions)).not.to.contain('secret passphrase');
    });

    it('signs out: the old session cookie no longer works', async () => {
      const agent = await signedInAs(ctx, 'viewer');
      const page = await agent.get('/surveys').expect(200);
      await agent
        .post('/logout')
        .type('form')
        .send({ _csrf: csrfTokenOf(page.text) })
        .expect(303)
        .expect('location', '/login?signedOut=1');
      await agent.get('/surveys').expect(303);
    });
  });

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
