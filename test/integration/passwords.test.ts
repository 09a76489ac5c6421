import { expect } from 'chai';

import { browser, createUser, DEFAULT_PASSWORD, formToken, signedInAs, signIn, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';

const STRONG = 'lantern orbit cactus meadow';

/** Posts the password-change form of /account. */
const changePassword = (agent: Agent, token: string, currentPassword: string, password = STRONG) =>
  agent
    .post('/account/password')
    .type('form')
    .send({ _csrf: token, currentPassword, password, passwordConfirm: password });

describe('passwords: no easy ones, and no guessing through the password form', () => {
  const ctx = useTestContext({ LOGIN_MAX_FAILURES: '3' });

  it('refuses common and repetitive passwords at setup, for new users and on change', async () => {
    const first = browser(ctx.app);
    const setupToken = await formToken(first, '/setup');
    const setup = await first
      .post('/setup')
      .type('form')
      .send({ _csrf: setupToken, email: 'ann@example.com', password: 'aaaaaaaaaaaa', passwordConfirm: 'aaaaaaaaaaaa' })
      .expect(400);
    expect(setup.text).to.contain('This password is too easy to guess.');
    expect(await ctx.models.users.countDocuments({})).to.equal(0);

    const admin = await signedInAs(ctx, 'admin');
    const token = await formToken(admin, '/users');
    const created = await admin
      .post('/users')
      .type('form')
      .send({ _csrf: token, email: 'bob@example.com', role: 'viewer', password: 'password1234' })
      .expect(400);
    expect(created.text).to.contain('This password is too easy to guess.');
    const changed = await changePassword(admin, token, DEFAULT_PASSWORD, 'abcabcabcabc').expect(400);
    expect(changed.text).to.contain('This password is too easy to guess.');
    expect(await ctx.models.users.countDocuments({})).to.equal(1);
  });

  it('locks the current-password check after 3 wrong tries, per user, even for the right password', async () => {
    await createUser(ctx, 'viewer');
    const agent = browser(ctx.app);
    await signIn(agent, 'viewer@example.com');
    const token = await formToken(agent, '/account');
    const change = (currentPassword: string) => changePassword(agent, token, currentPassword);
    for (let i = 0; i < 3; i++) expect((await change(`guess number ${i}`)).status).to.equal(400);
    expect((await change(DEFAULT_PASSWORD)).status).to.equal(429);
    // Another user is not affected.
    const admin = await signedInAs(ctx, 'admin');
    const adminToken = await formToken(admin, '/account');
    await changePassword(admin, adminToken, DEFAULT_PASSWORD).expect(303);
    ctx.clock.advance(15 * 60_000 + 1000);
    expect((await change(DEFAULT_PASSWORD)).status).to.equal(303);
  });
});
