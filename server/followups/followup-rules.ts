/** The close-the-loop rules, pure: which answers open a case, and how a case moves. */
import { WOULD_NOT } from '../vocabulary/answers.js';
import type { FOLLOWUP_OUTCOMES, FOLLOWUP_STATUSES } from './followup.model.js';

export type FollowUpStatus = (typeof FOLLOWUP_STATUSES)[number];
export type FollowUpOutcome = (typeof FOLLOWUP_OUTCOMES)[number];

/** Whether an answer opens a case under a survey's rule (PRODUCT.md: by default every detractor). */
export function matchesFollowUpRule(
  rule: { maxScore: number; wouldNot: boolean },
  answer: { score: number; repurchase?: string | null | undefined },
): boolean {
  if (answer.score <= rule.maxScore) return true;
  return rule.wouldNot && (WOULD_NOT as readonly (string | null | undefined)[]).includes(answer.repurchase);
}

export type FollowUpAction =
  | { kind: 'assign'; ownerId: string }
  | { kind: 'note'; text: string }
  | { kind: 'start' }
  | { kind: 'close'; outcome: FollowUpOutcome }
  | { kind: 'reopen' };

export const ACTIVE_STATUSES: readonly FollowUpStatus[] = ['open', 'in_progress'];

/**
 * One step on a case as a state machine: from which statuses it is allowed (any, for a note) and what
 * it sets. The store applies it in one atomic update whose filter names those statuses.
 */
export function stepOf(
  action: FollowUpAction,
  now: Date,
): { from: readonly FollowUpStatus[] | 'any'; set?: Record<string, unknown>; unset?: Record<string, 1> } {
  switch (action.kind) {
    case 'assign':
      return { from: ACTIVE_STATUSES, set: { ownerId: action.ownerId } };
    case 'note':
      return { from: 'any' };
    case 'start':
      return { from: ['open'], set: { status: 'in_progress' } };
    case 'close':
      return { from: ACTIVE_STATUSES, set: { status: 'closed', outcome: action.outcome, closedAt: now } };
    case 'reopen':
      return { from: ['closed'], set: { status: 'open' }, unset: { outcome: 1, closedAt: 1 } };
  }
}

/** The middle value (the mean of the two middle ones for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median hours to first action and to close, per survey, from the cases' times. */
export function timingsOf(
  cases: readonly { surveyId: unknown; openedAt: Date; firstActionAt?: Date | null; closedAt?: Date | null }[],
  names: ReadonlyMap<string, string>,
) {
  const bySurvey = new Map<string, { first: number[]; close: number[]; total: number }>();
  const hours = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 3_600_000;
  for (const c of cases) {
    const entry = bySurvey.get(String(c.surveyId)) ?? { first: [], close: [], total: 0 };
    entry.total++;
    if (c.firstActionAt) entry.first.push(hours(c.openedAt, c.firstActionAt));
    if (c.closedAt) entry.close.push(hours(c.openedAt, c.closedAt));
    bySurvey.set(String(c.surveyId), entry);
  }
  return [...bySurvey.entries()].map(([id, e]) => ({
    survey: names.get(id) ?? '',
    cases: e.total,
    medianHoursToFirstAction: median(e.first),
    medianHoursToClose: median(e.close),
    closed: e.close.length,
  }));
}
