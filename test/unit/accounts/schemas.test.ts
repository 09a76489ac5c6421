import { expect } from 'chai';

import { safeNextPath, userInputSchema } from '../../../server/accounts/accounts.schemas.js';

describe('accounts schemas', () => {
  it('normalises email to lower case without spaces', () => {
    const parsed = userInputSchema.parse({
      email: '  Ana@Example.COM ',
      role: 'viewer',
      password: 'twelve chars long',
    });
    expect(parsed.email).to.equal('ana@example.com');
    expect(parsed.name).to.equal('');
  });

  it('refuses extra operator-shaped values for email', () => {
    expect(userInputSchema.safeParse({ email: { $gt: '' }, role: 'viewer', password: 'twelve chars long' }).success).to
      .be.false;
  });

  it('only returns to paths on this site after sign-in', () => {
    expect(safeNextPath('/surveys?x=1')).to.equal('/surveys?x=1');
    for (const bad of [
      undefined,
      '',
      'https://evil.example.com',
      '//evil.example.com',
      '/\\evil.example.com',
      'javascript:alert(1)',
      '/ok\nSet-Cookie: x',
    ]) {
      expect(safeNextPath(bad), String(bad)).to.equal('/');
    }
  });
});
