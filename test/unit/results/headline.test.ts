import { expect } from 'chai';

import { headlineOf, headlinesDiffer, shownValue, withoutCells } from '../../../server/results/headline.js';

const cells = (byScore: Record<number, number>) =>
  Object.entries(byScore).map(([score, n]) => ({ score: Number(score), n }));

describe('the headline figure of each survey type', () => {
  it('is the NPS with its adjusted-Wald interval for NPS surveys, exactly as before', () => {
    // 60 promoters, 25 passives, 15 detractors: NPS 45 (PRODUCT.md's worked example).
    const h = headlineOf('nps', cells({ 10: 60, 8: 25, 3: 15 }));
    expect([h.value, h.shown, h.n]).to.deep.equal([45, '+45', 100]);
    // n' = 103, p' = 60.75/103, d' = 15.75/103: centre 43.69 ± 1.96 × 7.32 -> 29.34 to 58.04.
    expect(h.interval!.low).to.be.closeTo(29.34, 0.01);
    expect(h.interval!.high).to.be.closeTo(58.04, 0.01);
  });

  it('is CSAT % with its Wilson interval, and the CES mean with its t interval', () => {
    // 16 of 20 answer 4-5: 80.0% (Wilson 58.4% to 91.9%).
    const csat = headlineOf('csat', cells({ 5: 10, 4: 6, 3: 2, 2: 1, 1: 1 }));
    expect(csat.shown).to.equal('80.0%');
    expect(csat.interval!.low).to.be.closeTo(58.4, 0.05);
    expect(csat.interval!.high).to.be.closeTo(91.9, 0.05);
    // 7×4, 6×3, 5×2, 4, 2×2: mean 5.33, s = 1.826, t(0.975, 11) = 2.201 -> 4.17 to 6.49.
    const ces = headlineOf('ces', cells({ 7: 4, 6: 3, 5: 2, 4: 1, 2: 2 }));
    expect(ces.shown).to.equal('5.33');
    expect(ces.interval!.low).to.be.closeTo(4.173, 0.001);
    expect(ces.interval!.high).to.be.closeTo(6.493, 0.001);
    expect(ces.scale!.topBox!.share).to.equal(75);
    // One star rating: a mean, but no interval from one answer.
    const one = headlineOf('stars', cells({ 4: 1 }));
    expect([one.shown, one.interval, one.smallSample]).to.deep.equal(['4.00', null, true]);
    expect(headlineOf('csat', []).shown).to.equal(null);
  });

  it('calls a difference significant with the matching test', () => {
    // CSAT 16/20 vs 8/20: z = 2.58 (significant); 16/20 vs 14/20: z = 0.73 (not).
    expect(headlinesDiffer('csat', cells({ 5: 16, 1: 4 }), cells({ 4: 8, 2: 12 }))).to.equal(true);
    expect(headlinesDiffer('csat', cells({ 5: 16, 1: 4 }), cells({ 4: 14, 3: 6 }))).to.equal(false);
    // CES means 5.33 vs 2.5: Welch t = 5.17 (significant); 5.33 vs 5.0 with these spreads: not.
    expect(headlinesDiffer('ces', cells({ 7: 4, 6: 3, 5: 2, 4: 1, 2: 2 }), cells({ 3: 6, 2: 6 }))).to.equal(true);
    expect(headlinesDiffer('ces', cells({ 7: 4, 6: 3, 5: 2, 4: 1, 2: 2 }), cells({ 6: 4, 5: 4, 4: 4 }))).to.equal(
      false,
    );
    expect(headlinesDiffer('stars', cells({ 5: 3 }), [])).to.equal(false);
    // NPS: PRODUCT.md's rule, unchanged.
    expect(headlinesDiffer('nps', cells({ 10: 30, 8: 10, 0: 10 }), cells({ 10: 10, 8: 10, 0: 30 }))).to.equal(true);
    expect(withoutCells(cells({ 5: 3, 4: 2 }), cells({ 5: 1 }))).to.deep.equal([
      { score: 4, n: 2 },
      { score: 5, n: 2 },
    ]);
    expect([shownValue('nps', -12.4), shownValue('nps', -0.4), shownValue('csat', 82.36)]).to.deep.equal([
      '\u221212',
      '0',
      '82.4%',
    ]);
  });
});
