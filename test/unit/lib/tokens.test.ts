import { expect } from 'chai';

import { generateToken, hashToken, isWellFormedToken } from '../../../server/lib/tokens.js';

describe('tokens', () => {
  it('generates 256-bit base64url tokens that are all different', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).to.equal(1000);
    for (const token of tokens) {
      expect(Buffer.from(token, 'base64url')).to.have.length(32);
      expect(isWellFormedToken(token)).to.be.true;
    }
  });

  it('rejects anything not shaped like our tokens before any lookup', () => {
    for (const bad of [
      '',
      'abc',
      `${generateToken()}x`,
      `${generateToken().slice(0, 42)}=`,
      '../../etc/passwd',
      42,
      null,
      { $ne: '' },
    ]) {
      expect(isWellFormedToken(bad), JSON.stringify(bad)).to.be.false;
    }
  });

  it('hashes with SHA-256 (hex), so the database never holds a usable link', () => {
    expect(hashToken('abc')).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
