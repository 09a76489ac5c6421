import { expect } from 'chai';

import { daysBetween } from '../../../server/results/periods.js';
import { autoInterval, bucketOf, fittedInterval, MAX_TREND_POINTS, trendOf } from '../../../server/results/trend.js';

describe('trend buckets', () => {
  it('chooses day, week or month from the length of the range', () => {
    expect([autoInterval(30), autoInterval(31), autoInterval(90), autoInterval(365)]).to.deep.equal([
      'day',
      'day',
      'week',
      'month',
    ]);
  });

  it('puts a day in its Monday-to-Sunday week and its month', () => {
    expect(bucketOf('2026-11-23', 'week')).to.deep.equal({ key: '2026-11-23', from: '2026-11-23', to: '2026-11-29' }); // a Monday
    expect(bucketOf('2026-11-29', 'week').key).to.equal('2026-11-23'); // the Sunday after
    expect(bucketOf('2028-02-10', 'month')).to.deep.equal({ key: '2028-02', from: '2028-02-01', to: '2028-02-29' });
  });

  it('computes NPS per bucket, keeps empty buckets, and marks points under 30 responses', () => {
    const days = [
      {
        day: '2026-01-05',
        flagged: 0,
        cells: [
          { score: 10, repurchase: null, n: 30 },
          { score: 0, repurchase: null, n: 10 },
        ],
      },
      { day: '2026-01-20', flagged: 0, cells: [{ score: 8, repurchase: null, n: 2 }] },
    ];
    const points = trendOf(days, { fromDay: '2026-01-01', toDay: '2026-02-28' }, 'month');
    expect(points.map((p) => [p.key, p.figures.n, p.figures.nps, p.few])).to.deep.equal([
      ['2026-01', 42, (100 * (30 - 10)) / 42, false],
      ['2026-02', 0, null, true],
    ]);
  });

  it('rolls a trailing 90-day window that ends each week', () => {
    const days = [
      { day: '2025-10-01', flagged: 0, cells: [{ score: 0, repurchase: null, n: 1 }] },
      { day: '2026-01-05', flagged: 0, cells: [{ score: 10, repurchase: null, n: 1 }] },
    ];
    const points = trendOf(days, { fromDay: '2026-01-05', toDay: '2026-01-18' }, 'rolling');
    expect(points.map((p) => [p.to, p.from, p.figures.n])).to.deep.equal([
      ['2026-01-11', '2025-10-14', 1],
      ['2026-01-18', '2025-10-21', 1],
    ]);
  });
});

describe('trend size cap', () => {
  it('coarsens an interval that would draw more than MAX_TREND_POINTS points', () => {
    expect(fittedInterval('day', 400)).to.equal('day');
    expect(fittedInterval('day', 401)).to.equal('week');
    expect(fittedInterval('day', 7 * 401)).to.equal('month');
    expect(fittedInterval('week', 365 * 230)).to.equal('month');
    expect(fittedInterval('rolling', 365 * 230)).to.equal('rolling');
  });

  it('spaces rolling points so 230 years give at most 400, each still a 90-day window', () => {
    // One promoter on every day of 2000-2001.
    const days = Array.from({ length: 731 }, (_, i) => ({
      day: new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10),
      cells: [{ score: 10, repurchase: null, n: 1 }],
      flagged: 0,
    }));
    const points = trendOf(days, { fromDay: '1970-01-01', toDay: '2199-12-31' }, 'rolling');
    expect(points.length).to.be.within(300, MAX_TREND_POINTS);
    expect(points.at(-1)!.to).to.equal('2199-12-31');
    for (const p of points) expect(daysBetween(p.from, p.to)).to.equal(89);
    const inside = points.filter((p) => p.from >= '2000-01-01' && p.to <= '2001-12-31');
    expect(inside.length).to.be.at.least(2);
    for (const p of inside) expect(p.figures.n).to.equal(90);
    for (const p of points.filter((p) => p.to < '2000-01-01' || p.from > '2001-12-31')) expect(p.figures.n).to.equal(0);
  });
});
