import { expect } from 'chai';

import { matchesFollowUpRule, median, stepOf, timingsOf } from '../../../server/followups/followup-rules.js';

const HOUR = 3_600_000;

describe('follow-up rules', () => {
  it('opens a case for every score up to the rule, and for "would not buy again" when the rule says so', () => {
    const detractors = { maxScore: 6, wouldNot: false };
    expect(matchesFollowUpRule(detractors, { score: 6 })).to.equal(true);
    expect(matchesFollowUpRule(detractors, { score: 7 })).to.equal(false);
    expect(matchesFollowUpRule(detractors, { score: 9, repurchase: 'definitely_would_not' })).to.equal(false);
    const wouldNot = { maxScore: 6, wouldNot: true };
    expect(matchesFollowUpRule(wouldNot, { score: 9, repurchase: 'probably_would_not' })).to.equal(true);
    expect(matchesFollowUpRule(wouldNot, { score: 9, repurchase: 'definitely_would_not' })).to.equal(true);
    expect(matchesFollowUpRule(wouldNot, { score: 9, repurchase: 'not_sure' })).to.equal(false);
    expect(matchesFollowUpRule(wouldNot, { score: 9, repurchase: null })).to.equal(false);
  });

  it('allows each step only from the statuses it names', () => {
    const now = new Date('2026-03-15T10:00:00Z');
    expect(stepOf({ kind: 'start' }, now)).to.deep.equal({ from: ['open'], set: { status: 'in_progress' } });
    expect(stepOf({ kind: 'close', outcome: 'resolved' }, now)).to.deep.equal({
      from: ['open', 'in_progress'],
      set: { status: 'closed', outcome: 'resolved', closedAt: now },
    });
    expect(stepOf({ kind: 'reopen' }, now)).to.deep.equal({
      from: ['closed'],
      set: { status: 'open' },
      unset: { outcome: 1, closedAt: 1 },
    });
    expect(stepOf({ kind: 'assign', ownerId: 'u1' }, now)).to.deep.equal({
      from: ['open', 'in_progress'],
      set: { ownerId: 'u1' },
    });
    expect(stepOf({ kind: 'note', text: 'Called them' }, now)).to.deep.equal({ from: 'any' });
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(median([])).to.equal(null);
  });

  it('reports median hours to first action and to close per survey', () => {
    const opened = new Date('2026-03-01T00:00:00Z');
    const at = (hours: number) => new Date(opened.getTime() + hours * HOUR);
    const rows = timingsOf(
      [
        { surveyId: 's1', openedAt: opened, firstActionAt: at(2), closedAt: at(10) },
        { surveyId: 's1', openedAt: opened, firstActionAt: at(4), closedAt: null },
        { surveyId: 's1', openedAt: opened, firstActionAt: at(6), closedAt: at(20) },
        { surveyId: 's2', openedAt: opened },
      ],
      new Map([['s1', 'After purchase']]),
    );
    expect(rows).to.deep.equal([
      { survey: 'After purchase', cases: 3, medianHoursToFirstAction: 4, medianHoursToClose: 15, closed: 2 },
      { survey: '', cases: 1, medianHoursToFirstAction: null, medianHoursToClose: null, closed: 0 },
    ]);
  });
});
