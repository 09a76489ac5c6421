import { expect } from 'chai';

import { wilsonInterval } from '../../../server/results/proportions.js';

describe('Wilson interval for a share', () => {
  it('matches hand-computed values', () => {
    // 30 of 100: p = 0.3, z = 1.96; centre = (0.3 + 1.9208/100) / 1.038416 = 0.30740; half = 1.96 x sqrt(0.0021 + 0.0000960) / 1.038416 = 0.08846
    const w = wilsonInterval(30, 100)!;
    expect(w.share).to.equal(30);
    expect(w.low.toFixed(1)).to.equal('21.9');
    expect(w.high.toFixed(1)).to.equal('39.6');
  });

  it('stays inside 0-100 at the extremes and is empty without data', () => {
    const none = wilsonInterval(0, 10)!;
    expect(none.low).to.equal(0);
    expect(none.high.toFixed(1)).to.equal('27.8');
    const all = wilsonInterval(10, 10)!;
    expect(all.high).to.equal(100);
    expect(all.low.toFixed(1)).to.equal('72.2');
    expect(wilsonInterval(0, 0)).to.equal(null);
  });
});
