/**
 * {{formatDate date}}: "23 Nov 2026, 14:05 CET" in the reporting time zone (REPORT_TIME_ZONE), the
 * one the figures count days in, so a date beside an answer and the day it is counted on agree.
 * Empty for a missing date.
 */
export function dateFormatter(timeZone: string): (value: unknown) => string {
  const formatter = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  });
  return (value: unknown) => {
    if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') return '';
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? '' : formatter.format(date);
  };
}

/** The same in UTC, for places without a configuration (tests of single helpers). */
export const formatDate = dateFormatter('UTC');
