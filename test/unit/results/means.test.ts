import { expect } from 'chai';

import { meanCountsOf, meanFigures, meansDiffer } from '../../../server/results/means.js';

const countsOf = (scores: number[]) => meanCountsOf(scores.map((score) => ({ score, n: 1 })));

describe('means with a t interval, and Welch’s test', () => {
  it('matches a hand computation: 5, 6, 7, 7, 4', () => {
    // mean 5.8; s² = (0.64 + 0.04 + 1.44 + 1.44 + 3.24) / 4 = 1.7, s = 1.30384;
    // t(0.975, 4) = 2.776445; half = 2.776445 × 1.30384 / √5 = 1.61893 -> [4.181, 7.419].
    const f = meanFigures(countsOf([5, 6, 7, 7, 4]));
    expect(f.mean).to.be.closeTo(5.8, 1e-12);
    expect(f.sd).to.be.closeTo(1.30384, 1e-5);
    expect(f.interval!.low).to.be.closeTo(4.1811, 1e-4);
    expect(f.interval!.high).to.be.closeTo(7.4189, 1e-4);
    expect(f.smallSample).to.be.true;
  });

  it('adds up from per-score counts like day documents do', () => {
    const rows = [
      { score: 7, n: 20 },
      { score: 5, n: 10 },
      { score: 1, n: 2 },
    ];
    const f = meanFigures(meanCountsOf(rows));
    // n 32, sum 140 + 50 + 2 = 192, mean 6.0; sum of squares 980 + 250 + 2 = 1232;
    // s² = (1232 - 192² / 32) / 31 = (1232 - 1152) / 31 = 2.58065; s = 1.60644;
    // t(0.975, 31) = 2.039513; half = 2.039513 × 1.60644 / √32 = 0.57918.
    expect([f.n, f.mean]).to.deep.equal([32, 6]);
    expect(f.interval!.low).to.be.closeTo(5.42082, 1e-4);
    expect(f.interval!.high).to.be.closeTo(6.57918, 1e-4);
    expect(f.smallSample).to.be.false;
  });

  it('has no interval below two answers and no mean for none', () => {
    expect(meanFigures(countsOf([])).mean).to.equal(null);
    expect(meanFigures(countsOf([4]))).to.deep.include({ mean: 4, sd: null, interval: null });
  });

  it('calls a difference only when Welch’s test says so', () => {
    // 5.8 (s² 1.7) against 1.8 (s² 0.7): t = 4 / √(0.34 + 0.14) = 5.7735, df = 6.82 -> p < 0.001.
    expect(meansDiffer(countsOf([5, 6, 7, 7, 4]), countsOf([1, 2, 2, 3, 1]))).to.equal('higher');
    expect(meansDiffer(countsOf([1, 2, 2, 3, 1]), countsOf([5, 6, 7, 7, 4]))).to.equal('lower');
    // 5.8 against 5.0 (s² 2.0): t = 0.8 / √(0.34 + 0.4) = 0.930, p ≈ 0.38 -> no difference.
    expect(meansDiffer(countsOf([5, 6, 7, 7, 4]), countsOf([3, 5, 7, 5, 5]))).to.equal(undefined);
    expect(meansDiffer(countsOf([5]), countsOf([1, 2]))).to.equal(undefined);
    expect(meansDiffer(countsOf([4, 4, 4]), countsOf([2, 2]))).to.equal('higher');
  });
});
