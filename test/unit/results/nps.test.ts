import { expect } from 'chai';

import { differsSignificantly, npsFigures, roundHalfAway } from '../../../server/results/nps.js';

describe('NPS arithmetic (PRODUCT.md)', () => {
  it('computes the worked example: 60 / 25 / 15 -> NPS 45, interval [29.3, 58.0]', () => {
    const f = npsFigures({ promoters: 60, passives: 25, detractors: 15 });
    expect(f.n).to.equal(100);
    expect(f.nps).to.equal(45);
    expect(f.npsRounded).to.equal(45);
    // n' = 103, p' = 60.75/103, d' = 15.75/103
    const p = 60.75 / 103;
    const d = 15.75 / 103;
    const se = 100 * Math.sqrt((p + d - (p - d) ** 2) / 103);
    expect(f.interval.centre).to.be.closeTo(100 * (p - d), 1e-9);
    expect(f.interval.standardError).to.be.closeTo(se, 1e-9);
    expect(f.interval.low.toFixed(1)).to.equal('29.3');
    expect(f.interval.high.toFixed(1)).to.equal('58.0');
    expect(f.interval.marginOfError).to.be.closeTo(1.96 * se, 1e-9);
    expect(f.smallSample).to.be.false;
  });

  it('handles all promoters, all detractors, one response and none', () => {
    const all = npsFigures({ promoters: 40, passives: 0, detractors: 0 });
    expect(all.nps).to.equal(100);
    expect(all.interval.high).to.equal(100);
    expect(all.smallSample).to.be.false;
    expect(npsFigures({ promoters: 0, passives: 0, detractors: 7 }).nps).to.equal(-100);
    const one = npsFigures({ promoters: 0, passives: 1, detractors: 0 });
    expect(one.nps).to.equal(0);
    expect(one.smallSample).to.be.true;
    // n' = 4, p' = d' = 0.1875: centre 0, SE = 100 * sqrt(0.375 / 4)
    expect(one.interval.centre).to.equal(0);
    expect(one.interval.standardError).to.be.closeTo(100 * Math.sqrt(0.375 / 4), 1e-9);
    const none = npsFigures({ promoters: 0, passives: 0, detractors: 0 });
    expect(none.nps).to.equal(null);
    expect(none.npsRounded).to.equal(null);
  });

  it('counts passives in the denominator', () => {
    expect(npsFigures({ promoters: 1, passives: 2, detractors: 1 }).nps).to.equal(0);
    expect(npsFigures({ promoters: 3, passives: 1, detractors: 0 }).nps).to.equal(75);
  });

  it('rounds half away from zero, from counts not rounded shares', () => {
    // 1 promoter, 1 passive in 8: 12.5 -> 13; the mirror -12.5 -> -13
    expect(npsFigures({ promoters: 1, passives: 7, detractors: 0 }).npsRounded).to.equal(13);
    expect(npsFigures({ promoters: 0, passives: 7, detractors: 1 }).npsRounded).to.equal(-13);
    expect(roundHalfAway(-0.4)).to.equal(-0);
    expect(npsFigures({ promoters: 1, passives: 1, detractors: 1 }).npsRounded).to.equal(0);
  });

  it('calls a difference significant only past 1.96 combined standard errors', () => {
    expect(
      differsSignificantly(
        { promoters: 60, passives: 25, detractors: 15 },
        { promoters: 58, passives: 27, detractors: 15 },
      ),
    ).to.be.false;
    expect(
      differsSignificantly(
        { promoters: 600, passives: 250, detractors: 150 },
        { promoters: 300, passives: 250, detractors: 450 },
      ),
    ).to.be.true;
  });
});
