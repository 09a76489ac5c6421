/** Date ranges of the results pages, in calendar days of the reporting time zone. Pure. */
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import type { ResultsQuery } from './results.schemas.js';

export interface Period {
  /** First and last calendar day, in the reporting time zone; undefined for "all time". */
  fromDay: string | undefined;
  toDay: string | undefined;
  start: Date | undefined;
  /** Exclusive. */
  end: Date | undefined;
}

const PRESET_DAYS = { '30d': 30, '90d': 90, '12m': 365 } as const;

/** The days a range preset covers, ending today in the reporting time zone. */
export function periodOf(query: Pick<ResultsQuery, 'range' | 'from' | 'to'>, now: Date, timeZone: string): Period {
  const today = dayIn(now, timeZone);
  let fromDay: string | undefined;
  let toDay: string | undefined;
  if (query.range === 'custom') {
    fromDay = query.from;
    toDay = query.to;
  } else if (query.range !== 'all') {
    fromDay = addDays(today, 1 - PRESET_DAYS[query.range]);
    toDay = today;
  }
  return {
    fromDay,
    toDay,
    start: fromDay ? startOfDay(fromDay, timeZone) : undefined,
    end: toDay ? startOfDay(addDays(toDay, 1), timeZone) : undefined,
  };
}

/** The period of the same length just before (none for "all time"). */
export function previousPeriodOf(period: Period, timeZone: string): Period | undefined {
  if (!period.fromDay || !period.toDay) return undefined;
  const days = daysBetween(period.fromDay, period.toDay) + 1;
  const fromDay = addDays(period.fromDay, -days);
  const toDay = addDays(period.fromDay, -1);
  return { fromDay, toDay, start: startOfDay(fromDay, timeZone), end: startOfDay(period.fromDay, timeZone) };
}

/** Whole days from `a` to `b` (YYYY-MM-DD). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

/** Whether a day lies in a range (either end open when undefined). */
export const inRange = (day: string, from: string | undefined, to: string | undefined) =>
  (!from || day >= from) && (!to || day <= to);
