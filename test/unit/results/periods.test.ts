import { expect } from 'chai';

import { daysBetween, inRange, periodOf, previousPeriodOf } from '../../../server/results/periods.js';

describe('results periods (calendar days of the reporting time zone)', () => {
  it('ends "last 30 days" today and compares it with the 30 days before', () => {
    const period = periodOf({ range: '30d' }, new Date('2026-03-15T12:00:00Z'), 'UTC');
    expect(period).to.deep.equal({
      fromDay: '2026-02-14',
      toDay: '2026-03-15',
      start: new Date('2026-02-14T00:00:00Z'),
      end: new Date('2026-03-16T00:00:00Z'),
    });
    expect(previousPeriodOf(period, 'UTC')).to.deep.equal({
      fromDay: '2026-01-15',
      toDay: '2026-02-13',
      start: new Date('2026-01-15T00:00:00Z'),
      end: new Date('2026-02-14T00:00:00Z'),
    });
  });

  it('takes "today" in the time zone and starts each day at its local midnight across a DST change', () => {
    // 02:00 UTC on 15 March is 22:00 on the 14th in New York (EDT since 8 March).
    const period = periodOf({ range: '30d' }, new Date('2026-03-15T02:00:00Z'), 'America/New_York');
    expect(period.fromDay).to.equal('2026-02-13');
    expect(period.toDay).to.equal('2026-03-14');
    expect(period.start).to.deep.equal(new Date('2026-02-13T05:00:00Z')); // EST, UTC-5
    expect(period.end).to.deep.equal(new Date('2026-03-15T04:00:00Z')); // EDT, UTC-4
  });

  it('uses custom dates as given, and has no bounds and no previous period for all time', () => {
    const custom = periodOf({ range: 'custom', from: '2026-01-31', to: '2026-01-31' }, new Date(), 'UTC');
    expect([custom.fromDay, custom.toDay]).to.deep.equal(['2026-01-31', '2026-01-31']);
    expect(previousPeriodOf(custom, 'UTC')!.fromDay).to.equal('2026-01-30');
    const all = periodOf({ range: 'all' }, new Date(), 'UTC');
    expect(all).to.deep.equal({ fromDay: undefined, toDay: undefined, start: undefined, end: undefined });
    expect(previousPeriodOf(all, 'UTC')).to.equal(undefined);
  });

  it('counts whole days and tests ranges with open ends', () => {
    expect(daysBetween('2026-03-01', '2026-03-31')).to.equal(30);
    expect(daysBetween('2026-03-31', '2026-03-01')).to.equal(-30);
    expect(inRange('2026-03-01', '2026-03-01', '2026-03-31')).to.equal(true);
    expect(inRange('2026-04-01', '2026-03-01', '2026-03-31')).to.equal(false);
    expect(inRange('1999-01-01', undefined, '2026-03-31')).to.equal(true);
    expect(inRange('2099-01-01', '2026-03-01', undefined)).to.equal(true);
  });
});
