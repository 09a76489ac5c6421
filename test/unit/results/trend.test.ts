import { expect } from 'chai';

import { autoInterval, bucketOf, trendOf } from '../../../server/results/trend.js';

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
