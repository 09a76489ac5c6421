import { expect } from 'chai';

import { summarise, type Cell } from '../../../server/results/summary.js';

describe('results summary (shares, top-2-box, cross-tab)', () => {
  // The PRODUCT.md worked example, 60 / 25 / 15, with repurchase answers spread by hand.
  const example: Cell[] = [
    { score: 10, repurchase: 'definitely_would', n: 30 },
    { score: 9, repurchase: 'probably_would', n: 30 },
    { score: 8, repurchase: 'not_sure', n: 15 },
    { score: 7, repurchase: null, n: 10 },
    { score: 6, repurchase: 'probably_would_not', n: 5 },
    { score: 3, repurchase: 'definitely_would_not', n: 10 },
  ];

  it('gives NPS 45 with interval [29.3, 58.0] and category shares 60 / 25 / 15', () => {
    const s = summarise(example);
    expect(s.figures.nps).to.equal(45);
    expect(s.figures.interval.low.toFixed(1)).to.equal('29.3');
    expect(s.figures.interval.high.toFixed(1)).to.equal('58.0');
    expect(s.categories.map((c) => [c.key, c.n, c.share])).to.deep.equal([
      ['promoter', 60, 60],
      ['passive', 25, 25],
      ['detractor', 15, 15],
    ]);
  });

  it('counts every score 0-10, zeros included', () => {
    const s = summarise(example);
    expect(s.distribution.map((d) => d.n)).to.deep.equal([0, 0, 0, 10, 0, 0, 5, 10, 15, 30, 30]);
    expect(s.distribution[10]!.share).to.equal(30);
    expect(s.distribution[6]!.category).to.equal('detractor');
    expect(s.distribution[7]!.category).to.equal('passive');
  });

  it('takes repurchase shares and top-2-box among those who answered it (90 of 100)', () => {
    const s = summarise(example);
    expect(s.repurchase.answered).to.equal(90);
    expect(s.repurchase.notAnswered).to.equal(10);
    expect(s.repurchase.top2.n).to.equal(60);
    expect(s.repurchase.top2.share).to.be.closeTo((100 * 60) / 90, 1e-9);
    expect(s.repurchase.answers.map((a) => a.n)).to.deep.equal([30, 30, 15, 5, 10]);
    expect(s.repurchase.answers[2]!.share).to.be.closeTo((100 * 15) / 90, 1e-9);
  });

  it('cross-tabulates category by repurchase answer with row shares', () => {
    const s = summarise(example);
    const row = (key: string) =>
      Object.fromEntries(
        s.crossTab.find((r) => r.key === key)!.cells.map((c) => [c.key, [c.n, Number(c.rowShare.toFixed(1))]]),
      );
    expect(row('promoter')).to.deep.include({ definitely_would: [30, 50], probably_would: [30, 50], none: [0, 0] });
    expect(row('passive')).to.deep.include({ not_sure: [15, 60], none: [10, 40] });
    expect(row('detractor')).to.deep.include({ probably_would_not: [5, 33.3], definitely_would_not: [10, 66.7] });
    expect(s.crossTab.map((r) => r.total)).to.deep.equal([60, 25, 15]);
  });

  it('handles all promoters, a single response and no responses', () => {
    const all = summarise([{ score: 9, repurchase: 'definitely_would', n: 40 }]);
    expect([all.figures.nps, all.repurchase.top2.share, all.figures.smallSample]).to.deep.equal([100, 100, false]);
    const detractors = summarise([{ score: 0, repurchase: null, n: 12 }]);
    expect([detractors.figures.nps, detractors.repurchase.answered, detractors.repurchase.top2.share]).to.deep.equal([
      -100, 0, 0,
    ]);
    const one = summarise([{ score: 8, repurchase: 'not_sure', n: 1 }]);
    expect([one.figures.nps, one.figures.smallSample, one.categories[1]!.share]).to.deep.equal([0, true, 100]);
    const none = summarise([]);
    expect([none.figures.n, none.figures.nps, none.categories[0]!.share, none.repurchase.top2.share]).to.deep.equal([
      0,
      null,
      0,
      0,
    ]);
  });
});
