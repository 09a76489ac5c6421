import { expect } from 'chai';

import { createSealer } from '../../../server/lib/seal.js';
import { newStamp, readStamp } from '../../../server/responses/page-stamp.js';

const secret = 'a test secret that is long enough to use';
const sealer = createSealer(secret, 'page-stamp');

describe('page stamps', () => {
  const now = new Date('2026-03-15T10:00:00Z');

  it('reads back when the page was served, with a one-time key per copy of the page', () => {
    const a = readStamp(sealer, newStamp(sealer, now), now)!;
    const b = readStamp(sealer, newStamp(sealer, now), now)!;
    expect(a.servedAt).to.equal(now.getTime());
    expect(a.key).to.match(/^[A-Za-z0-9_-]{22}$/);
    expect(a.key).to.not.equal(b.key);
  });

  it('refuses a changed stamp, one sealed for another purpose or key, and one that is not ours', () => {
    const stamp = newStamp(sealer, now);
    const flipped = stamp.slice(0, 10) + (stamp[10] === 'A' ? 'B' : 'A') + stamp.slice(11);
    expect(readStamp(sealer, flipped, now)).to.equal(null);
    expect(readStamp(sealer, newStamp(createSealer(secret, 'link-token'), now), now)).to.equal(null);
    expect(readStamp(sealer, newStamp(createSealer(`${secret}!`, 'page-stamp'), now), now)).to.equal(null);
    expect(readStamp(sealer, 'not a stamp', now)).to.equal(null);
    expect(readStamp(sealer, sealer.seal('{"servedAt":"soon","key":"k"}'), now)).to.equal(null);
  });

  it('allows a minute of clock difference between app instances, no more', () => {
    const later = (ms: number) => new Date(now.getTime() + ms);
    expect(readStamp(sealer, newStamp(sealer, later(59_000)), now)).to.not.equal(null);
    expect(readStamp(sealer, newStamp(sealer, later(61_000)), now)).to.equal(null);
  });
});
