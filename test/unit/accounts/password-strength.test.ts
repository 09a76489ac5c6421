import { expect } from 'chai';

import { passwordWeakness } from '../../../server/accounts/password-strength.js';

describe('passwordWeakness', () => {
  for (const weak of ['aaaaaaaaaaaa', 'password1234', 'abcabcabcabc', '123456789012', 'qwertyuiop12'])
    it(`refuses ${weak}`, () => {
      expect(passwordWeakness(weak)).to.match(/^This password is too easy to guess\. .*unrelated words\.$/);
    });

  it('names what is wrong with a repeated one', () => {
    expect(passwordWeakness('aaaaaaaaaaaa')).to.contain('Repeated characters');
  });

  it('accepts long phrases of unrelated words, and judges only the first 100 characters', () => {
    expect(passwordWeakness('correct horse battery staple')).to.equal(undefined);
    expect(passwordWeakness('a brand new passphrase')).to.equal(undefined);
    expect(passwordWeakness(`lantern orbit cactus ${'x'.repeat(200)}`)).to.equal(undefined);
  });
});
