import { dayIn } from '../lib/time-zone.js';
import type { AutopilotSettings } from '../surveys/autopilot-settings.js';
import type { Entry } from './autopilot-entry.store.js';
import { decide, type DueContact } from './schedule.js';

/**
 * When one survey's schedule next surveys a contact, and why then, in plain words: the answer to
 * "when is this person due?" on the contact page. Pure.
 */
export function explainDue(
  input: { surveyId: string; status: string; settings: AutopilotSettings; now: Date; timeZone: string },
  entry: Entry,
  contact: DueContact,
): { dueAt: Date; why: string } {
  const { settings: s, now } = input;
  const date = (d: Date) => dayIn(d, input.timeZone);
  const reasons: string[] = [];
  if (entry.cycle === 0 && entry.firstDueBasis === 'joined') {
    reasons.push(`First survey ${s.newContactDelayDays} days after joining on ${date(entry.joinedAt ?? entry.dueAt)}.`);
  } else if (entry.cycle === 0) {
    reasons.push(
      `First survey; the first ${s.everyDays} days are spread evenly over all contacts so answers arrive every day.`,
    );
  } else {
    const last = entry.lastInvitedAt ? `; last invited on ${date(entry.lastInvitedAt)}` : '';
    const outcome =
      entry.lastOutcome && entry.lastOutcome !== 'invited'
        ? ` (last cycle ${entry.lastOutcome.replace('_', ' ')})`
        : '';
    reasons.push(`Every ${s.everyDays} days${last}${outcome}.`);
  }
  if (entry.heldReason === 'throttle') {
    const on = contact.lastSurveyedAt ? date(contact.lastSurveyedAt) : 'an earlier date';
    reasons.push(`Moved by the ${s.throttleDays}-day throttle: surveyed on ${on}.`);
  }
  const at = new Date(Math.max(entry.dueAt.getTime(), now.getTime()));
  const decision = decide(
    { id: input.surveyId, settings: s },
    { contactId: String(entry.contactId), cycle: entry.cycle },
    contact,
    at,
  );
  if (decision.kind === 'skip') {
    reasons.push(
      decision.reason === 'not_sampled'
        ? `Not in this cycle's ${s.samplePercent}% sample: the cycle will be skipped.`
        : `Will be skipped: ${decision.reason}.`,
    );
  }
  if (decision.kind === 'hold') reasons.push(`The throttle holds it until ${date(decision.until)}.`);
  if (entry.heldReason === 'daily_cap' && entry.dueAt <= now)
    reasons.push(`Waiting for room under the daily cap of ${s.dailyCap ?? '-'}.`);
  if (input.status !== 'active') reasons.push(`The survey is ${input.status}: nothing is sent until it is active.`);
  return { dueAt: decision.kind === 'hold' ? decision.until : entry.dueAt, why: reasons.join(' ') };
}
