import { expect } from 'chai';

import { twoProportionTest } from '../../../server/results/proportions.js';
import { representativenessRows, segmentRows } from '../../../server/results/segments.js';

/** Promoters, passives and detractors as counts by score (10, 8 and 0). */
const counts = (promoters: number, passives: number, detractors: number) => [
  { score: 10, n: promoters },
  { score: 8, n: passives },
  { score: 0, n: detractors },
];

describe('segments and representativeness', () => {
  it('tests two response rates at 95%: 60 of 100 against 40 of 100 differs (z = 2.83), 55 against 45 does not (z = 1.41)', () => {
    expect(twoProportionTest(60, 100, 40, 100)).to.equal('higher');
    expect(twoProportionTest(40, 100, 60, 100)).to.equal('lower');
    expect(twoProportionTest(55, 100, 45, 100)).to.equal(undefined);
    expect(twoProportionTest(5, 0, 3, 10)).to.equal(undefined);
    expect(twoProportionTest(0, 10, 0, 10)).to.equal(undefined);
  });

  it('orders segments by NPS and marks one that differs from everyone else', () => {
    // pro: 30/10/10 -> NPS 40; basic: 10/10/30 -> NPS -40. Adjusted SE about 11.0 each, so the
    // threshold is 1.96 x 15.5 = 30.5 points against a difference of 75.5: both differ.
    const byValue = new Map([
      ['basic', counts(10, 10, 30)],
      ['pro', counts(30, 10, 10)],
    ]);
    const rows = segmentRows(byValue);
    expect(rows.map((r) => [r.value, r.figures.nps, r.differs])).to.deep.equal([
      ['pro', 40, true],
      ['basic', -40, true],
    ]);
  });

  it('compares each value with the other values only', () => {
    // a: 6/2/2 (NPS 40) against b alone: 2/2/6 (NPS -40): threshold about 63 points, difference 80.
    const rows = segmentRows(
      new Map([
        ['a', counts(6, 2, 2)],
        ['b', counts(2, 2, 6)],
      ]),
    );
    expect(rows.map((r) => [r.value, r.differs])).to.deep.equal([
      ['a', true],
      ['b', true],
    ]);
  });

  it('does not call a small difference between small groups significant, nor a group that is everyone', () => {
    // 6/2/2 (NPS 40) against 5/2/3 (NPS 20): threshold about 63 points, difference about 15.
    const small = segmentRows(
      new Map([
        ['a', counts(6, 2, 2)],
        ['b', counts(5, 2, 3)],
      ]),
    );
    expect(small.map((r) => r.differs)).to.deep.equal([false, false]);
    const alone = segmentRows(new Map([['a', counts(6, 2, 2)]]));
    expect(alone[0]!.differs).to.equal(false);
  });

  it('compares who answered with who was invited, per group, largest groups first', () => {
    const { rows, invited, answered } = representativenessRows(
      new Map([
        ['free', { invited: 100, answered: 40 }],
        ['pro', { invited: 300, answered: 180 }],
      ]),
    );
    expect([invited, answered]).to.deep.equal([400, 220]);
    // pro: 180 of 300 (60%) against free's 40 of 100 (40%): pooled 0.55, SE 0.0574, z = 3.48.
    expect(rows).to.deep.equal([
      {
        value: 'pro',
        invited: 300,
        answered: 180,
        invitedShare: 75,
        answeredShare: (100 * 180) / 220,
        responseRate: 60,
        skew: 'over',
      },
      {
        value: 'free',
        invited: 100,
        answered: 40,
        invitedShare: 25,
        answeredShare: (100 * 40) / 220,
        responseRate: 40,
        skew: 'under',
      },
    ]);
    expect(representativenessRows(new Map()).rows).to.deep.equal([]);
  });
});
