import { expect } from 'chai';
import mongoose from 'mongoose';

import type { CountedState } from '../../../server/responses/counts-port.js';
import { incrementsOf, mergeDays, type DayDoc } from '../../../server/results/day-counts.js';

const surveyId = new mongoose.Types.ObjectId();
const sid = String(surveyId);
const answer = (changes: Partial<CountedState> = {}): CountedState => ({
  surveyId,
  submittedAt: new Date('2026-03-15T10:00:00Z'),
  channel: 'email',
  score: 9,
  repurchase: 'probably_would',
  review: 'none',
  contactSnapshot: { plan: 'pro', region: '' },
  ...changes,
});
const incs = (before: CountedState | null, after: CountedState | null) =>
  Object.fromEntries([...incrementsOf(before, after, 'UTC')].map(([id, e]) => [id, e.inc]));

describe('day counts arithmetic', () => {
  it('adds a new answer to its day and to each non-empty property value', () => {
    const result = incrementsOf(null, answer(), 'UTC');
    expect(Object.fromEntries([...result].map(([id, e]) => [id, e.inc]))).to.deep.equal({
      [`${sid}|2026-03-15|email`]: { 'c.9|probably_would': 1 },
      [`${sid}|2026-03-15|email|plan|pro`]: { 'c.9|probably_would': 1 },
    });
    expect(result.get(`${sid}|2026-03-15|email|plan|pro`)!.set).to.deep.equal({
      surveyId,
      day: '2026-03-15',
      channel: 'email',
      key: 'plan',
      value: 'pro',
    });
  });

  it('moves a changed score between counters, and changes nothing for a write that changes nothing', () => {
    expect(incs(answer(), answer({ score: 4, repurchase: null }))).to.deep.equal({
      [`${sid}|2026-03-15|email`]: { 'c.9|probably_would': -1, 'c.4|': 1 },
      [`${sid}|2026-03-15|email|plan|pro`]: { 'c.9|probably_would': -1, 'c.4|': 1 },
    });
    expect(incs(answer(), answer())).to.deep.equal({});
  });

  it('counts a flagged answer only as flagged, an accepted one fully, a discarded one nowhere', () => {
    const day = `${sid}|2026-03-15|email`;
    expect(incs(null, answer({ review: 'flagged', contactSnapshot: null }))).to.deep.equal({ [day]: { flagged: 1 } });
    expect(
      incs(answer({ review: 'flagged', contactSnapshot: null }), answer({ review: 'accepted', contactSnapshot: null })),
    ).to.deep.equal({
      [day]: { flagged: -1, 'c.9|probably_would': 1 },
    });
    expect(
      incs(
        answer({ review: 'flagged', contactSnapshot: null }),
        answer({ review: 'discarded', contactSnapshot: null }),
      ),
    ).to.deep.equal({
      [day]: { flagged: -1 },
    });
    expect(incs(answer({ contactSnapshot: null }), null)).to.deep.equal({ [day]: { 'c.9|probably_would': -1 } });
  });

  it('puts an answer on its day in the reporting time zone', () => {
    const late = answer({ submittedAt: new Date('2026-02-01T04:30:00Z'), contactSnapshot: null });
    expect([...incrementsOf(null, late, 'America/New_York').keys()]).to.deep.equal([`${sid}|2026-01-31|email`]);
  });

  it('merges channels per day within a range, and one channel when asked', () => {
    const docs: DayDoc[] = [
      { day: '2026-03-01', channel: 'email', c: { '9|': 2, '3|': 1 }, flagged: 1 },
      { day: '2026-03-01', channel: 'link', c: { '9|': 1 } },
      { day: '2026-03-02', channel: 'email', c: { '10|definitely_would': 1 } },
      { day: '2026-02-28', channel: 'email', c: { '0|': 5 } },
    ];
    const days = mergeDays(docs, { fromDay: '2026-03-01', toDay: '2026-03-02' });
    expect(days.map((d) => [d.day, d.flagged, d.cells.map((c) => [c.score, c.repurchase, c.n])])).to.deep.equal([
      [
        '2026-03-01',
        1,
        [
          [9, null, 3],
          [3, null, 1],
        ],
      ],
      ['2026-03-02', 0, [[10, 'definitely_would', 1]]],
    ]);
    const link = mergeDays(docs, { channel: 'link' });
    expect(link.map((d) => [d.day, d.cells.map((c) => c.n)])).to.deep.equal([['2026-03-01', [1]]]);
  });
});
