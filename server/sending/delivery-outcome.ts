import type { FailureKind } from './mailer.js';

/** When and how often a failing send is tried again (server/sending/README.md). */
export interface RetryPolicy {
  /** Attempts before a transiently failing invitation is marked failed. */
  maxAttempts: number;
  /** Wait before retry number `attempt` (1-based). */
  backoffMs: (attempt: number) => number;
}

/** 30 s, 1 min, 2 min, ... at most an hour; 8 attempts. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  backoffMs: (attempt) => Math.min(3_600_000, 30_000 * 2 ** (attempt - 1)),
};

export type SendOutcome =
  | { kind: 'retry'; at: Date; error: string }
  | { kind: 'failed'; error: string; suppress: boolean }
  | { kind: 'uncertain'; error: string };

/**
 * What becomes of an invitation whose email did not go out, on its `attempts`-th try. Transient
 * failures are retried with backoff until the attempts run out; a permanent refusal fails it and
 * suppresses the address for every survey; an uncertain one (maybe delivered) is never retried, because
 * a customer getting the same survey twice is worse than a missing one.
 */
export function sendOutcome(
  kind: FailureKind,
  message: string,
  attempts: number,
  policy: RetryPolicy,
  now: Date,
): SendOutcome {
  if (kind === 'uncertain') return { kind: 'uncertain', error: message };
  if (kind === 'permanent') return { kind: 'failed', error: message, suppress: true };
  if (attempts >= policy.maxAttempts)
    return { kind: 'failed', error: `gave up after ${attempts} attempts: ${message}`, suppress: false };
  return { kind: 'retry', at: new Date(now.getTime() + policy.backoffMs(attempts)), error: message };
}

export type ReminderOutcome =
  | { kind: 'retry'; at: Date; error: string }
  | { kind: 'dropped'; status: 'failed' | 'uncertain'; error: string; suppress: boolean };

/** The same for a reminder, except that out of attempts the reminder is simply dropped (failed). */
export function reminderOutcome(
  kind: FailureKind,
  message: string,
  attempts: number,
  policy: RetryPolicy,
  now: Date,
): ReminderOutcome {
  if (kind === 'transient' && attempts < policy.maxAttempts) {
    return { kind: 'retry', at: new Date(now.getTime() + policy.backoffMs(attempts)), error: message };
  }
  return {
    kind: 'dropped',
    status: kind === 'uncertain' ? 'uncertain' : 'failed',
    error: message,
    suppress: kind === 'permanent',
  };
}
