import { expect } from 'chai';

import { addDays, dayIn, isTimeZone, startOfDay } from '../../../server/lib/time-zone.js';
import { periodOf, previousPeriodOf } from '../../../server/results/periods.js';

describe('reporting time zone', () => {
  it('puts 23:30 in New York on the 31st on the 31st there (the 1st in UTC)', () => {
    const at = new Date('2026-02-01T04:30:00Z'); // 31 January, 23:30 EST (UTC-5)
    expect(dayIn(at, 'America/New_York')).to.equal('2026-01-31');
    expect(dayIn(at, 'UTC')).to.equal('2026-02-01');
  });

  it('finds the instant a day starts, across daylight saving changes', () => {
    expect(startOfDay('2026-01-31', 'America/New_York').toISOString()).to.equal('2026-01-31T05:00:00.000Z');
    expect(startOfDay('2026-07-01', 'America/New_York').toISOString()).to.equal('2026-07-01T04:00:00.000Z');
    expect(startOfDay('2026-03-08', 'America/New_York').toISOString()).to.equal('2026-03-08T05:00:00.000Z'); // DST starts at 2:00 that day
    expect(startOfDay('2026-03-29', 'Europe/Berlin').toISOString()).to.equal('2026-03-28T23:00:00.000Z');
    expect(startOfDay('2026-05-10', 'UTC').toISOString()).to.equal('2026-05-10T00:00:00.000Z');
  });

  it('counts calendar days and rejects unknown zones', () => {
    expect(addDays('2026-03-01', -1)).to.equal('2026-02-28');
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
    expect(isTimeZone('Europe/Berlin')).to.be.true;
    expect(isTimeZone('Mars/Olympus')).to.be.false;
  });

  it('makes "last 30 days" end today in the zone and the previous period the 30 days before', () => {
    const now = new Date('2026-02-01T04:30:00Z');
    const period = periodOf({ range: '30d' }, now, 'America/New_York');
    expect([period.fromDay, period.toDay]).to.deep.equal(['2026-01-02', '2026-01-31']);
    expect(period.end!.toISOString()).to.equal('2026-02-01T05:00:00.000Z');
    const previous = previousPeriodOf(period, 'America/New_York')!;
    expect([previous.fromDay, previous.toDay]).to.deep.equal(['2025-12-03', '2026-01-01']);
    expect(previous.end!.getTime()).to.equal(period.start!.getTime());
    expect(previousPeriodOf(periodOf({ range: 'all' }, now, 'UTC'), 'UTC')).to.equal(undefined);
  });
});
