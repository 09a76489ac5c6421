/**
 * The autopilot schedule's rules, as pure functions (server/autopilot/README.md): when a contact is
 * first due, how the first period is spread, whether a due contact is invited, skipped or held, and
 * when their next cycle is due. Hashes make every decision the same in every worker and the forecast.
 */
import { createHash } from 'node:crypto';

import { eligibility, type Eligibility } from '../sending/eligibility.js';
import type { AutopilotSettings } from '../surveys/autopilot-settings.js';

export const DAY_MS = 86_400_000;

/** A number in [0, 1) from a hash of the parts: the same every time, in every process. */
export function hashFraction(...parts: string[]): number {
  return createHash('sha256').update(parts.join(':')).digest().readUInt32BE(0) / 2 ** 32;
}

/** Whether the contact is in this cycle's sample: decided by a hash, so every worker and the forecast agree. */
export function inSample(surveyId: string, contactId: string, cycle: number, percent: number): boolean {
  return percent >= 100 || hashFraction('sample', surveyId, contactId, String(cycle)) < percent / 100;
}

/** A signup date from a contact property (2026-03-01, or any date Date.parse reads); undefined if none. */
export function parseJoinDate(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const v = value.trim();
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(v) ? Date.parse(`${v}T00:00:00Z`) : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/**
 * Where a contact the schedule does not know yet enters it. Still within the join delay: due at join
 * date + delay. Otherwise, on the first run after autopilot was turned on, spread over the first
 * period with the others (`spread`, placed by spreadOverPeriod); on later runs, due at a hashed point
 * within the next period, so a large import is no burst.
 */
export function firstDue(
  input: { surveyId: string; contactId: string; joinedAt: Date; now: Date; initial: boolean; startedAt: Date },
  settings: Pick<AutopilotSettings, 'everyDays' | 'newContactDelayDays'>,
): { dueAt: Date; basis: 'joined' | 'spread' } | 'spread' {
  const eligibleFrom = new Date(input.joinedAt.getTime() + settings.newContactDelayDays * DAY_MS);
  if (eligibleFrom > (input.initial ? input.startedAt : input.now)) return { dueAt: eligibleFrom, basis: 'joined' };
  if (input.initial) return 'spread';
  const offset = hashFraction('spread', input.surveyId, input.contactId) * settings.everyDays * DAY_MS;
  return { dueAt: new Date(input.now.getTime() + offset), basis: 'spread' };
}

/**
 * The first period's due times for the contacts already past their delay when autopilot was turned
 * on: evenly spaced from the start, in a hashed order (so import order does not decide who goes first).
 */
export function spreadOverPeriod<T extends { contactId: string }>(
  contacts: readonly T[],
  surveyId: string,
  startedAt: Date,
  everyDays: number,
): (T & { dueAt: Date })[] {
  const ordered = contacts
    .map((c) => ({ c, order: hashFraction('spread', surveyId, c.contactId) }))
    .sort((a, b) => a.order - b.order);
  const step = ordered.length > 0 ? (everyDays * DAY_MS) / ordered.length : 0;
  return ordered.map(({ c }, i) => ({ ...c, dueAt: new Date(startedAt.getTime() + i * step) }));
}

/** A due entry's contact as the decision needs it; undefined when the contact was deleted. */
export interface DueContact {
  unsubscribedAt?: Date | null;
  suppressedAt?: Date | null;
  lastSurveyedAt?: Date | null;
}

export type ScheduleDecision = Eligibility | { kind: 'gone' };

/**
 * What the schedule does with one due entry: the shared eligibility rules, with the throttle holding
 * the contact until it ends (a schedule can wait) and the cycle's hashed sample.
 */
export function decide(
  survey: { id: string; settings: Pick<AutopilotSettings, 'throttleDays' | 'samplePercent'> },
  entry: { contactId: string; cycle: number },
  contact: DueContact | undefined,
  now: Date,
): ScheduleDecision {
  if (!contact) return { kind: 'gone' };
  const { throttleDays, samplePercent } = survey.settings;
  return eligibility(contact, {
    now,
    throttleDays,
    whenThrottled: 'hold',
    inSample: inSample(survey.id, entry.contactId, entry.cycle, samplePercent),
  });
}

/** After an invitation, the next cycle is due a full period later: never twice within N days. */
export function nextDueAfterInvite(now: Date, everyDays: number): Date {
  return new Date(now.getTime() + everyDays * DAY_MS);
}

/** After a skipped cycle, the next is due a period after this one was, or a period from now if that has passed. */
export function nextDueAfterSkip(dueAt: Date, now: Date, everyDays: number): Date {
  const period = everyDays * DAY_MS;
  const next = dueAt.getTime() + period;
  return new Date(next <= now.getTime() ? now.getTime() + period : next);
}
