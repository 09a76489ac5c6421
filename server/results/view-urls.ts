/** The addresses of results views: their filters as URL values, and a view with some changed. Pure. */
import type { ResultsQuery } from './results.schemas.js';

export type QueryValues = Record<string, string | number | undefined>;

/** The filters both tabs share (and the CSV export uses), as URL values. */
export const filtersOf = (query: ResultsQuery): QueryValues => ({
  range: query.range,
  from: query.from,
  to: query.to,
  prop: query.prop,
  value: query.value,
  channel: query.channel,
  tag: query.tag,
});

/** The address of the current view with some filters changed (for preset links, tabs and paging). */
export function urlWith(base: string, query: QueryValues, changes: QueryValues): string {
  const defaults: QueryValues = { comments: 'all', interval: 'auto' };
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) {
    if (value !== undefined && value !== '' && defaults[key] !== value) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}
