import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './delivery-outcome.js';

/** How a send worker paces itself (send-worker.ts); tests shorten the waits. */
export interface SendPolicy extends RetryPolicy {
  /** Invitations one worker sends at once. */
  concurrency: number;
  /** Transient failures in a row, per survey, that pause its sending. */
  failureStreakLimit: number;
  /** A claim older than this belongs to a worker that died: its invitation becomes uncertain. */
  leaseMs: number;
  /** How long an idle worker waits before looking again. */
  idleMs: number;
  /** After a look for due reminders found none, how long before the next look. */
  reminderIdleMs: number;
  /** Due invitations read at once as claim candidates, and how long such a list is used. */
  candidateBuffer: number;
  candidateTtlMs: number;
  /**
   * After looks for due invitations found none, the wait before the next look doubles from `idleMs`
   * up to this; a queueing request that ran, or a claim, brings it back to `idleMs`.
   */
  idleLookMaxMs: number;
}

export const DEFAULT_SEND_POLICY: SendPolicy = {
  ...DEFAULT_RETRY_POLICY,
  concurrency: 10,
  failureStreakLimit: 25,
  leaseMs: 10 * 60_000,
  idleMs: 1000,
  // Reminders are due days after the email: a few minutes late costs nothing, a look scans on the emulator.
  reminderIdleMs: 5 * 60_000,
  candidateBuffer: 1000,
  candidateTtlMs: 5000,
  idleLookMaxMs: 15_000,
};
