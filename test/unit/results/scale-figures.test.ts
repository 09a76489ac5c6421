import { expect } from 'chai';

import { scaleDiffers, scaleFigures } from '../../../server/results/scale-figures.js';
import { isPointOf, pointsOf } from '../../../server/vocabulary/scales.js';

const dist = (pairs: [number, number][]) => pairs.map(([score, n]) => ({ score, n }));

describe('CSAT, CES and star figures', () => {
  it('CSAT % is the share of 4-5 with its Wilson interval (hand computation)', () => {
    // 50 of 70 -> 71.43%. Wilson: z² = 3.8416, denominator 1 + 3.8416/70 = 1.054880; centre
    // (0.714286 + 0.027440) / 1.054880 = 0.703138; half 1.96 × √(0.0029155 + 0.0001960) / 1.054880
    // = 0.103643 -> 59.95% to 80.68%.
    const f = scaleFigures(
      'csat',
      dist([
        [5, 30],
        [4, 20],
        [3, 10],
        [2, 5],
        [1, 5],
      ]),
    );
    expect(f.n).to.equal(70);
    expect(f.topBox!.n).to.equal(50);
    expect(f.topBox!.share).to.be.closeTo(71.43, 0.01);
    expect(f.topBox!.low).to.be.closeTo(59.95, 0.01);
    expect(f.topBox!.high).to.be.closeTo(80.68, 0.01);
  });

  it('CES has its mean with a t interval and the share of 5-7', () => {
    const f = scaleFigures(
      'ces',
      dist([
        [7, 1],
        [6, 1],
        [5, 1],
        [4, 1],
        [7, 1],
      ]),
    );
    // mean 5.8, the interval as in means.test.ts for 5, 6, 7, 7, 4; 4 of 5 answered 5-7.
    expect(f.mean.mean).to.be.closeTo(5.8, 1e-12);
    expect(f.mean.interval!.low).to.be.closeTo(4.1811, 1e-4);
    expect(f.topBox!.share).to.equal(80);
  });

  it('tests a change with the matching test: two proportions for CSAT, Welch for CES', () => {
    // CSAT 80 of 100 against 60 of 100: z = 0.2 / √(0.7 × 0.3 × 0.02) = 3.09 -> higher.
    expect(
      scaleDiffers(
        'csat',
        dist([
          [5, 80],
          [2, 20],
        ]),
        dist([
          [5, 60],
          [2, 40],
        ]),
      ),
    ).to.equal('higher');
    // 16 of 20 against 14 of 20: z = 0.1 / √(0.75 × 0.25 × 0.1) = 0.73 -> no change.
    expect(
      scaleDiffers(
        'csat',
        dist([
          [4, 16],
          [1, 4],
        ]),
        dist([
          [4, 14],
          [1, 6],
        ]),
      ),
    ).to.equal(undefined);
    expect(
      scaleDiffers(
        'ces',
        dist([
          [5, 1],
          [6, 1],
          [7, 2],
          [4, 1],
        ]),
        dist([
          [1, 2],
          [2, 2],
          [3, 1],
        ]),
      ),
    ).to.equal('higher');
  });

  it('knows each scale’s points', () => {
    expect(pointsOf('nps')).to.have.length(11);
    expect(pointsOf('csat')).to.deep.equal([1, 2, 3, 4, 5]);
    expect(pointsOf('ces')).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect([isPointOf('stars', 0), isPointOf('stars', 5), isPointOf('ces', 7.5), isPointOf('nps', 0)]).to.deep.equal([
      false,
      true,
      false,
      true,
    ]);
  });
});
