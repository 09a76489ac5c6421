import { expect } from 'chai';

import { latestOccurrence, nextOccurrence } from '../../../server/reports/report-schedule.js';

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);

describe('report schedules', () => {
  it('daily: yesterday, sent at the local time, also on the days clocks change', () => {
    const s = { frequency: 'daily' as const, sendTime: '08:00' };
    // 2026-03-29: Berlin goes from UTC+1 to UTC+2 at 02:00; 08:00 local is 06:00 UTC.
    expect(latestOccurrence(s, at('2026-03-29T06:30:00Z'), BERLIN)).to.deep.include({
      day: '2026-03-29',
      from: '2026-03-28',
      to: '2026-03-28',
    });
    expect(latestOccurrence(s, at('2026-03-29T06:30:00Z'), BERLIN).at.toISOString()).to.equal(
      '2026-03-29T06:00:00.000Z',
    );
    // Half an hour before the send time: still the day before's report.
    expect(latestOccurrence(s, at('2026-03-29T05:30:00Z'), BERLIN).day).to.equal('2026-03-28');
    expect(latestOccurrence(s, at('2026-03-28T07:30:00Z'), BERLIN).at.toISOString()).to.equal(
      '2026-03-28T07:00:00.000Z',
    );
    // 2026-10-25 back to UTC+1: 08:00 is 07:00 UTC.
    expect(latestOccurrence(s, at('2026-10-25T07:00:00Z'), BERLIN).at.toISOString()).to.equal(
      '2026-10-25T07:00:00.000Z',
    );
    expect(latestOccurrence(s, at('2026-10-25T06:59:00Z'), BERLIN).day).to.equal('2026-10-24');
    // Just after local midnight, which is still the previous day in UTC.
    expect(
      latestOccurrence({ frequency: 'daily', sendTime: '00:30' }, at('2026-07-01T22:45:00Z'), BERLIN).day,
    ).to.equal('2026-07-02');
  });

  it('weekly: on the chosen weekday, covering the 7 days before, across the DST change', () => {
    const s = { frequency: 'weekly' as const, weekday: 1, sendTime: '09:00' }; // Mondays
    const o = latestOccurrence(s, at('2026-04-01T12:00:00Z'), BERLIN); // a Wednesday
    expect(o).to.deep.include({ day: '2026-03-30', from: '2026-03-23', to: '2026-03-29' });
    expect(o.at.toISOString()).to.equal('2026-03-30T07:00:00.000Z'); // summer time
    const before = latestOccurrence(s, at('2026-03-30T06:59:00Z'), BERLIN);
    expect(before).to.deep.include({ day: '2026-03-23', from: '2026-03-16', to: '2026-03-22' });
    expect(before.at.toISOString()).to.equal('2026-03-23T08:00:00.000Z'); // winter time
    expect(nextOccurrence(s, at('2026-03-30T06:59:00Z'), BERLIN).day).to.equal('2026-03-30');
    expect(nextOccurrence(s, at('2026-03-30T07:00:00Z'), BERLIN).day).to.equal('2026-04-06');
    const sunday = { frequency: 'weekly' as const, weekday: 7, sendTime: '18:00' };
    expect(latestOccurrence(sunday, at('2026-03-29T17:00:00Z'), BERLIN).day).to.equal('2026-03-29');
  });

  it('monthly: on the chosen day (the last day in shorter months), covering the month before', () => {
    const s = { frequency: 'monthly' as const, monthDay: 1, sendTime: '07:00' };
    expect(latestOccurrence(s, at('2026-11-01T06:00:00Z'), BERLIN)).to.deep.include({
      day: '2026-11-01',
      from: '2026-10-01',
      to: '2026-10-31',
    });
    expect(latestOccurrence(s, at('2026-11-01T06:00:00Z'), BERLIN).at.toISOString()).to.equal(
      '2026-11-01T06:00:00.000Z',
    );
    expect(latestOccurrence(s, at('2026-01-15T00:00:00Z'), BERLIN)).to.deep.include({
      day: '2026-01-01',
      from: '2025-12-01',
      to: '2025-12-31',
    });
    const end = { frequency: 'monthly' as const, monthDay: 31, sendTime: '07:00' };
    expect(latestOccurrence(end, at('2026-03-01T12:00:00Z'), BERLIN)).to.deep.include({
      day: '2026-02-28',
      from: '2026-01-31',
      to: '2026-02-27',
    });
    expect(latestOccurrence(end, at('2026-04-30T12:00:00Z'), BERLIN)).to.deep.include({
      day: '2026-04-30',
      from: '2026-03-31',
      to: '2026-04-29',
    });
    expect(nextOccurrence(end, at('2026-02-28T12:00:00Z'), BERLIN).day).to.equal('2026-03-31');
  });

  it('New York: the send time stays at 9:00 local through the November change', () => {
    const s = { frequency: 'daily' as const, sendTime: '09:00' };
    expect(latestOccurrence(s, at('2026-10-31T13:00:00Z'), 'America/New_York').at.toISOString()).to.equal(
      '2026-10-31T13:00:00.000Z',
    );
    expect(latestOccurrence(s, at('2026-11-01T14:00:00Z'), 'America/New_York').at.toISOString()).to.equal(
      '2026-11-01T14:00:00.000Z',
    );
  });
});
