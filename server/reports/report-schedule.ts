/**
 * When a report goes out and which days it covers, as pure functions of its schedule, the time and
 * the reporting time zone (tested across daylight saving changes). A report is "due" for the latest
 * occurrence at or before now; the period is the days since the previous occurrence, up to the day
 * before this one: daily - yesterday; weekly - the 7 days before; monthly - from the same day of the
 * previous month up to yesterday (day 31 means the month's last day in shorter months).
 */
import { addDays, dayIn, localTime } from '../lib/time-zone.js';

export const FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Schedule {
  frequency: Frequency;
  /** ISO weekday for weekly reports: 1 Monday ... 7 Sunday. */
  weekday?: number | null | undefined;
  /** Day of the month for monthly reports, 1-31. */
  monthDay?: number | null | undefined;
  /** Local send time, HH:MM. */
  sendTime: string;
}

export interface Occurrence {
  /** The local day it goes out: also the unique key of this period's report. */
  day: string;
  at: Date;
  /** The days it covers, inclusive. */
  from: string;
  to: string;
}

const isoWeekday = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
};
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The monthly occurrence day in a given month (1-12). */
function monthlyDay(year: number, month: number, monthDay: number): string {
  const d = Math.min(monthDay, daysInMonth(year, month));
  return `${year}-${String(month).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The occurrence day on or before `day` (ignoring the time of day). */
function occurrenceOnOrBefore(s: Schedule, day: string): string {
  if (s.frequency === 'daily') return day;
  if (s.frequency === 'weekly') return addDays(day, -((isoWeekday(day) - (s.weekday ?? 1) + 7) % 7));
  const [y, m] = day.split('-').map(Number) as [number, number];
  const here = monthlyDay(y, m, s.monthDay ?? 1);
  if (here <= day) return here;
  return m === 1 ? monthlyDay(y - 1, 12, s.monthDay ?? 1) : monthlyDay(y, m - 1, s.monthDay ?? 1);
}

/** The occurrence before the one on `day`. */
function previousOccurrence(s: Schedule, day: string): string {
  return occurrenceOnOrBefore(s, addDays(day, -1));
}

/** The latest occurrence whose send time has come, with the days it covers. */
export function latestOccurrence(s: Schedule, now: Date, timeZone: string): Occurrence {
  let day = occurrenceOnOrBefore(s, dayIn(now, timeZone));
  if (localTime(day, s.sendTime, timeZone) > now) day = previousOccurrence(s, day);
  return occurrenceOn(s, day, timeZone);
}

/** The occurrence on a given occurrence day. */
export function occurrenceOn(s: Schedule, day: string, timeZone: string): Occurrence {
  const from =
    s.frequency === 'daily'
      ? addDays(day, -1)
      : s.frequency === 'weekly'
        ? addDays(day, -7)
        : previousOccurrence(s, day);
  return { day, at: localTime(day, s.sendTime, timeZone), from, to: addDays(day, -1) };
}

/** The next occurrence after now (for the reports list): the first occurrence day whose send time is still to come. */
export function nextOccurrence(s: Schedule, now: Date, timeZone: string): Occurrence {
  const today = dayIn(now, timeZone);
  for (let i = 0; ; i++) {
    const day = addDays(today, i);
    if (occurrenceOnOrBefore(s, day) === day && localTime(day, s.sendTime, timeZone) > now)
      return occurrenceOn(s, day, timeZone);
  }
}
