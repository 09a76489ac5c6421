import { addDays, dayIn } from '../lib/time-zone.js';
import type { SkipReason } from '../sending/eligibility.js';
import type { AutopilotSettings } from '../surveys/autopilot-settings.js';
import { decide, type DueContact } from './schedule.js';

export interface ForecastDay {
  day: string;
  invite: number;
  skipped: Map<SkipReason, number>;
  /** Due that day but over the daily cap, so carried to the next day. */
  carried: number;
}

export interface Forecast {
  rows: ForecastDay[];
  /** Invitations the cap pushes past the last day shown. */
  beyond: number;
  totalInvites: number;
}

/**
 * What the schedule will do on each of `days` days from today (days in `timeZone`), from the entries
 * due before the end and their contacts as they are now: each entry's effective day is its due date,
 * or the end of a throttle hold; then the daily cap, day by day. Pure, so it is tested directly.
 */
export function planForecast(
  input: {
    surveyId: string;
    settings: AutopilotSettings;
    now: Date;
    end: Date;
    timeZone: string;
    days: number;
    /** Invitations already queued today (the cap counts them). */
    queuedToday: number;
  },
  entries: readonly { contactId: string; cycle: number; dueAt: Date }[],
  contacts: ReadonlyMap<string, DueContact>,
): Forecast {
  const { settings, now, timeZone, days } = input;
  const today = dayIn(now, timeZone);
  const dayList = Array.from({ length: days }, (_, i) => addDays(today, i));
  const rows: ForecastDay[] = dayList.map((day) => ({ day, invite: 0, skipped: new Map(), carried: 0 }));
  const cap = settings.dailyCap;
  const capLeft = dayList.map((_, i) =>
    cap === undefined ? Infinity : i === 0 ? Math.max(0, cap - input.queuedToday) : cap,
  );
  const survey = { id: input.surveyId, settings };
  const planned = entries
    .map((e) => {
      const contact = contacts.get(e.contactId);
      const at = new Date(Math.max(e.dueAt.getTime(), now.getTime()));
      const decision = decide(survey, e, contact, at);
      if (decision.kind !== 'hold') return { when: at, decision };
      return {
        when: decision.until,
        decision: decide(survey, e, { ...contact, lastSurveyedAt: null }, decision.until),
      };
    })
    .filter((p) => p.when < input.end && p.decision.kind !== 'gone')
    .sort((a, b) => a.when.getTime() - b.when.getTime());
  let beyond = 0;
  for (const p of planned) {
    let i = Math.max(0, dayList.indexOf(dayIn(p.when, timeZone)));
    if (p.decision.kind === 'skip') {
      rows[i]!.skipped.set(p.decision.reason, (rows[i]!.skipped.get(p.decision.reason) ?? 0) + 1);
      continue;
    }
    while (i < days && capLeft[i]! <= 0) {
      rows[i]!.carried++;
      i++;
    }
    if (i >= days) beyond++;
    else {
      rows[i]!.invite++;
      capLeft[i]!--;
    }
  }
  return { rows, beyond, totalInvites: rows.reduce((s, r) => s + r.invite, 0) };
}
