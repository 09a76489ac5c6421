import { expect } from 'chai';

import { DEFAULT_RETRY_POLICY, reminderOutcome, sendOutcome } from '../../../server/sending/delivery-outcome.js';

const now = new Date('2026-06-15T12:00:00Z');
const policy = DEFAULT_RETRY_POLICY;
const later = (ms: number) => new Date(now.getTime() + ms);

describe('delivery outcome: what a failed send becomes', () => {
  it('retries a transient failure after 30 s, 1 min, 2 min, ... and at most an hour', () => {
    expect(sendOutcome('transient', '421 busy', 1, policy, now)).to.deep.equal({
      kind: 'retry',
      at: later(30_000),
      error: '421 busy',
    });
    expect(sendOutcome('transient', '421 busy', 2, policy, now)).to.deep.include({ at: later(60_000) });
    expect(sendOutcome('transient', '421 busy', 3, policy, now)).to.deep.include({ at: later(120_000) });
    expect(DEFAULT_RETRY_POLICY.backoffMs(20)).to.equal(3_600_000);
  });

  it('gives up after the eighth attempt and says so, without suppressing the address', () => {
    expect(sendOutcome('transient', '421 busy', 8, policy, now)).to.deep.equal({
      kind: 'failed',
      error: 'gave up after 8 attempts: 421 busy',
      suppress: false,
    });
  });

  it('fails a permanent refusal at once and suppresses the address', () => {
    expect(sendOutcome('permanent', '550 no such user', 1, policy, now)).to.deep.equal({
      kind: 'failed',
      error: '550 no such user',
      suppress: true,
    });
  });

  it('never retries an uncertain send: the customer may already have it', () => {
    expect(sendOutcome('uncertain', 'connection closed after DATA', 1, policy, now)).to.deep.equal({
      kind: 'uncertain',
      error: 'connection closed after DATA',
    });
  });

  it('retries a reminder like a send, then drops it; a permanent refusal drops it and suppresses', () => {
    expect(reminderOutcome('transient', 'x', 1, policy, now)).to.deep.equal({
      kind: 'retry',
      at: later(30_000),
      error: 'x',
    });
    expect(reminderOutcome('transient', 'x', 8, policy, now)).to.deep.equal({
      kind: 'dropped',
      status: 'failed',
      error: 'x',
      suppress: false,
    });
    expect(reminderOutcome('permanent', 'x', 1, policy, now)).to.deep.equal({
      kind: 'dropped',
      status: 'failed',
      error: 'x',
      suppress: true,
    });
    expect(reminderOutcome('uncertain', 'x', 1, policy, now)).to.deep.equal({
      kind: 'dropped',
      status: 'uncertain',
      error: 'x',
      suppress: false,
    });
  });
});
