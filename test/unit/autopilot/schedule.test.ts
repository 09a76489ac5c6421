import { expect } from 'chai';

import { planForecast } from '../../../server/autopilot/autopilot-forecast.js';
import { explainDue } from '../../../server/autopilot/contact-schedule.js';
import {
  decide,
  firstDue,
  inSample,
  nextDueAfterInvite,
  nextDueAfterSkip,
  parseJoinDate,
  spreadOverPeriod,
} from '../../../server/autopilot/schedule.js';
import type { AutopilotSettings } from '../../../server/surveys/autopilot-settings.js';

const DAY = 86_400_000;
const now = new Date('2026-06-15T12:00:00Z');
const settings: AutopilotSettings = {
  enabled: true,
  everyDays: 90,
  newContactDelayDays: 30,
  joinDateProperty: '',
  dailyCap: undefined,
  samplePercent: 100,
  throttleDays: 90,
  startedAt: now,
};
const survey = { id: '64b000000000000000000001', settings };

describe('autopilot schedule rules', () => {
  it('reads a join date from a property: a plain day is midnight UTC, nonsense is no date', () => {
    expect(parseJoinDate('2026-03-01')).to.deep.equal(new Date('2026-03-01T00:00:00Z'));
    expect(parseJoinDate('2026-03-01T10:00:00+02:00')).to.deep.equal(new Date('2026-03-01T08:00:00Z'));
    expect(parseJoinDate('soon')).to.equal(undefined);
    expect(parseJoinDate('')).to.equal(undefined);
  });

  it('first surveys a contact still within the join delay at join date + delay', () => {
    const joined = new Date(now.getTime() - 10 * DAY);
    const input = { surveyId: survey.id, contactId: 'c1', joinedAt: joined, now, initial: false, startedAt: now };
    expect(firstDue(input, settings)).to.deep.equal({ dueAt: new Date(now.getTime() + 20 * DAY), basis: 'joined' });
  });

  it('spreads old customers over the first period when turned on, and over the next period when imported later', () => {
    const old = {
      surveyId: survey.id,
      contactId: 'c1',
      joinedAt: new Date(now.getTime() - 400 * DAY),
      now,
      startedAt: now,
    };
    expect(firstDue({ ...old, initial: true }, settings)).to.equal('spread');
    const later = firstDue({ ...old, initial: false }, settings);
    expect(later).to.not.equal('spread');
    const dueAt = (later as { dueAt: Date }).dueAt.getTime();
    expect(dueAt).to.be.within(now.getTime(), now.getTime() + 90 * DAY);
    // A hash, not chance: the same contact gets the same point every time.
    expect(firstDue({ ...old, initial: false }, settings)).to.deep.equal(later);
  });

  it('spaces 900 contacts evenly over 90 days: one every 2.4 hours from the start', () => {
    const contacts = Array.from({ length: 900 }, (_, i) => ({ contactId: `c${i}` }));
    const spread = spreadOverPeriod(contacts, survey.id, now, 90);
    const times = spread.map((s) => s.dueAt.getTime() - now.getTime()).sort((a, b) => a - b);
    expect(times[0]).to.equal(0);
    expect(times[1]).to.equal(2.4 * 3_600_000);
    expect(times[899]).to.equal(899 * 2.4 * 3_600_000);
    expect(new Set(spread.map((s) => s.contactId)).size).to.equal(900);
  });

  it('samples by a hash of survey, contact and cycle: about the share asked for, the same in every process', () => {
    const sampled = Array.from({ length: 2000 }, (_, i) => inSample(survey.id, `c${i}`, 0, 25)).filter(Boolean).length;
    expect(sampled).to.be.within(440, 560);
    expect(inSample(survey.id, 'c7', 3, 25)).to.equal(inSample(survey.id, 'c7', 3, 25));
    expect(inSample(survey.id, 'c7', 3, 100)).to.equal(true);
  });

  it('invites, skips, holds for the throttle, or drops a deleted contact', () => {
    const entry = { contactId: 'c1', cycle: 0 };
    expect(decide(survey, entry, {}, now)).to.deep.equal({ kind: 'invite' });
    expect(decide(survey, entry, undefined, now)).to.deep.equal({ kind: 'gone' });
    expect(decide(survey, entry, { unsubscribedAt: now }, now)).to.deep.equal({ kind: 'skip', reason: 'unsubscribed' });
    const surveyed = new Date(now.getTime() - 60 * DAY);
    expect(decide(survey, entry, { lastSurveyedAt: surveyed }, now)).to.deep.equal({
      kind: 'hold',
      until: new Date(now.getTime() + 30 * DAY),
    });
  });

  it('is due a full period after an invitation; after a skip, a period after the skipped cycle (or from now if that passed)', () => {
    expect(nextDueAfterInvite(now, 90)).to.deep.equal(new Date(now.getTime() + 90 * DAY));
    expect(nextDueAfterSkip(new Date(now.getTime() - DAY), now, 90)).to.deep.equal(new Date(now.getTime() + 89 * DAY));
    expect(nextDueAfterSkip(new Date(now.getTime() - 100 * DAY), now, 90)).to.deep.equal(
      new Date(now.getTime() + 90 * DAY),
    );
  });

  it('forecasts each day with the daily cap carrying the rest over, and counts skips by reason', () => {
    const capped = { ...settings, dailyCap: 2 };
    const entries = Array.from({ length: 5 }, (_, i) => ({ contactId: `c${i}`, cycle: 0, dueAt: now }));
    const contacts = new Map(entries.map((e, i) => [e.contactId, i === 4 ? { unsubscribedAt: now } : {}]));
    const end = new Date(now.getTime() + 7 * DAY);
    const plan = planForecast(
      { surveyId: survey.id, settings: capped, now, end, timeZone: 'UTC', days: 7, queuedToday: 1 },
      entries,
      contacts,
    );
    // Today 1 of 2 already went out: 1 more today, 2 tomorrow, 1 the day after; one is unsubscribed.
    expect(plan.rows.slice(0, 3).map((r) => r.invite)).to.deep.equal([1, 2, 1]);
    expect(plan.rows[0]!.carried).to.equal(3);
    expect(plan.rows[0]!.skipped.get('unsubscribed')).to.equal(1);
    expect(plan.totalInvites).to.equal(4);
    expect(plan.beyond).to.equal(0);
  });

  it('explains when and why a contact is next due', () => {
    const entry = {
      _id: {} as never,
      surveyId: {} as never,
      contactId: {} as never,
      dueAt: new Date(now.getTime() + 5 * DAY),
      cycle: 0,
      firstDueBasis: 'joined',
      joinedAt: new Date('2026-05-21T00:00:00Z'),
    };
    const input = { surveyId: survey.id, status: 'paused', settings, now, timeZone: 'UTC' };
    const { dueAt, why } = explainDue(input, entry, {});
    expect(dueAt).to.deep.equal(entry.dueAt);
    expect(why).to.equal(
      'First survey 30 days after joining on 2026-05-21. The survey is paused: nothing is sent until it is active.',
    );
  });
});
