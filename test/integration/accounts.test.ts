import { expect } from 'chai';

import {
  browser,
  createUser,
  csrfTokenOf,
  DEFAULT_PASSWORD,
  formToken,
  sessionCookie,
  signedInAs,
  signIn,
} from '../helpers/agent.js';
import { createTestContext, useTestContext } from '../helpers/context.js';

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
});
