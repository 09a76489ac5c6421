import { expect } from 'chai';

import {
  deliveryBlock,
  eligibility,
  throttledUntil,
  type EligibilityRules,
} from '../../../server/sending/eligibility.js';

const now = new Date('2026-06-15T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
const send: EligibilityRules = { now, throttleDays: 90, whenThrottled: 'skip' };
const schedule: EligibilityRules = { now, throttleDays: 90, whenThrottled: 'hold' };

describe('eligibility: who may be surveyed now', () => {
  it('invites a contact who is subscribed, deliverable and not surveyed within the throttle', () => {
    expect(eligibility({}, send)).to.deep.equal({ kind: 'invite' });
    expect(eligibility({ lastSurveyedAt: daysAgo(91) }, send)).to.deep.equal({ kind: 'invite' });
  });

  it('skips an unsubscribed contact, before any other reason', () => {
    const contact = { unsubscribedAt: daysAgo(1), suppressedAt: daysAgo(1), lastSurveyedAt: daysAgo(1) };
    expect(eligibility(contact, { ...send, alreadyInvited: true, inSample: false })).to.deep.equal({
      kind: 'skip',
      reason: 'unsubscribed',
    });
  });

  it('skips a suppressed address (a bounce), before the invitation and throttle checks', () => {
    expect(
      eligibility({ suppressedAt: daysAgo(1), lastSurveyedAt: daysAgo(1) }, { ...send, alreadyInvited: true }),
    ).to.deep.equal({
      kind: 'skip',
      reason: 'suppressed',
    });
  });

  it('skips a contact already invited to this survey, before the throttle', () => {
    expect(eligibility({ lastSurveyedAt: daysAgo(1) }, { ...send, alreadyInvited: true })).to.deep.equal({
      kind: 'skip',
      reason: 'already_invited',
    });
  });

  it('skips a contact surveyed within the throttle for a send or a trigger, and holds them until it ends for a schedule', () => {
    expect(eligibility({ lastSurveyedAt: daysAgo(89) }, send)).to.deep.equal({
      kind: 'skip',
      reason: 'recently_surveyed',
    });
    // Surveyed 89 days ago with a 90-day throttle: free again in exactly one day.
    expect(eligibility({ lastSurveyedAt: daysAgo(89) }, schedule)).to.deep.equal({
      kind: 'hold',
      until: new Date(now.getTime() + 86_400_000),
    });
  });

  it('counts a survey scheduled for later (a trigger) against the throttle from its send date', () => {
    const inTwoDays = new Date(now.getTime() + 2 * 86_400_000);
    expect(eligibility({ lastSurveyedAt: inTwoDays }, send)).to.deep.equal({
      kind: 'skip',
      reason: 'recently_surveyed',
    });
  });

  it('treats a throttle of 0 days as no throttle, even for a survey scheduled in the future', () => {
    expect(eligibility({ lastSurveyedAt: now }, { ...send, throttleDays: 0 })).to.deep.equal({ kind: 'invite' });
    expect(
      eligibility({ lastSurveyedAt: new Date(now.getTime() + 86_400_000) }, { ...schedule, throttleDays: 0 }),
    ).to.deep.equal({ kind: 'invite' });
  });

  it('is free again exactly when the throttle ends, not a moment before', () => {
    expect(throttledUntil(daysAgo(90), 90, now)).to.equal(undefined);
    expect(throttledUntil(new Date(daysAgo(90).getTime() + 1), 90, now)).to.deep.equal(new Date(now.getTime() + 1));
  });

  it('skips a contact outside the sample last, and only when a sample was drawn', () => {
    expect(eligibility({}, { ...schedule, inSample: false })).to.deep.equal({ kind: 'skip', reason: 'not_sampled' });
    expect(eligibility({}, { ...schedule, inSample: true })).to.deep.equal({ kind: 'invite' });
    // A throttled contact is held, whatever the sample says: the sample is decided when they are due.
    expect(eligibility({ lastSurveyedAt: daysAgo(1) }, { ...schedule, inSample: false }).kind).to.equal('hold');
  });

  it('blocks delivery to a deleted, unsubscribed or suppressed contact, with the reason recorded on the invitation', () => {
    expect(deliveryBlock(undefined)).to.equal('contact deleted');
    expect(deliveryBlock({ unsubscribedAt: now })).to.equal('contact unsubscribed');
    expect(deliveryBlock({ suppressedAt: now })).to.equal('address suppressed');
    expect(deliveryBlock({ lastSurveyedAt: now })).to.equal(undefined);
  });
});
