import { expect } from 'chai';

import { browser, createUser, formToken, signIn, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';

/** Two admins, each signed in on their own browser. */
async function twoAdmins(ctx: ReturnType<typeof useTestContext>, round: number) {
  const admins: Array<{ id: string; agent: Agent; token: string }> = [];
  for (const name of ['ann', 'bob']) {
    const user = await createUser(ctx, 'admin', `${name}${round}@example.com`);
    const agent = browser(ctx.app);
    await signIn(agent, user.email);
    admins.push({ id: user.id, agent, token: await formToken(agent, '/users') });
  }
  return admins as [(typeof admins)[0], (typeof admins)[0]];
}

describe('never zero admins, even when two admins remove each other at once', () => {
  const ctx = useTestContext();
  const activeAdmins = () => ctx.models.users.countDocuments({ role: 'admin', disabledAt: null });

  for (const [what, path, body] of [
    ['demote', 'role', { role: 'viewer' }],
    ['disable', 'disabled', { disabled: 'true' }],
  ] as const) {
    it(`keeps an admin when two admins ${what} each other concurrently (10 rounds)`, async () => {
      for (let round = 0; round < 10; round++) {
        await ctx.reset();
        const [ann, bob] = await twoAdmins(ctx, round);
        const [a, b] = await Promise.all([
          ann.agent
            .post(`/users/${bob.id}/${path}`)
            .type('form')
            .send({ _csrf: ann.token, ...body }),
          bob.agent
            .post(`/users/${ann.id}/${path}`)
            .type('form')
            .send({ _csrf: bob.token, ...body }),
        ]);
        expect(await activeAdmins(), `round ${round}: ${a.status} ${b.status}`).to.be.at.least(1);
        // Whoever was refused was told why: the last admin stays, or they were no longer an admin themselves.
        for (const res of [a, b].filter((r) => r.status !== 303))
          expect(res.text).to.match(/You cannot remove the last admin|This needs the admin role/);
      }
    });
  }

  it('still lets one admin demote another when a third remains', async () => {
    const [ann, bob] = await twoAdmins(ctx, 99);
    await createUser(ctx, 'admin', 'cid@example.com');
    await ann.agent.post(`/users/${bob.id}/role`).type('form').send({ _csrf: ann.token, role: 'viewer' }).expect(303);
    expect(await activeAdmins()).to.equal(2);
  });
});
