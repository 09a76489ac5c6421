import { expect } from 'chai';

import { automationReasons, DEFAULT_BOT_THRESHOLDS } from '../../../server/responses/bot-signals.js';

describe('automationReasons (when a response looks automated)', () => {
  const policy = DEFAULT_BOT_THRESHOLDS;

  it('finds nothing for a person: seconds on the page, minutes after delivery, no honeypot', () => {
    expect(automationReasons({ secondsOnPage: 12, secondsToFirstClick: 900, honeypot: false }, policy)).to.deep.equal(
      [],
    );
  });

  it('names each signal that fired, in a stable order', () => {
    expect(automationReasons({ secondsOnPage: 0.4, secondsToFirstClick: 1, honeypot: true }, policy)).to.deep.equal([
      'honeypot',
      'fast_submit',
      'instant_click',
    ]);
  });

  it('draws the lines exactly at the thresholds (2 s on the page, 5 s after delivery)', () => {
    expect(automationReasons({ secondsOnPage: 1.9, honeypot: false }, policy)).to.deep.equal(['fast_submit']);
    expect(automationReasons({ secondsOnPage: 2, honeypot: false }, policy)).to.deep.equal([]);
    expect(automationReasons({ secondsOnPage: 10, secondsToFirstClick: 4.9, honeypot: false }, policy)).to.deep.equal([
      'instant_click',
    ]);
    expect(automationReasons({ secondsOnPage: 10, secondsToFirstClick: 5, honeypot: false }, policy)).to.deep.equal([]);
  });

  it('does not flag what it cannot measure (a web link has no delivery time)', () => {
    expect(
      automationReasons({ secondsOnPage: 30, secondsToFirstClick: undefined, honeypot: false }, policy),
    ).to.deep.equal([]);
  });
});
