import { RANGE_LABELS } from './results-view.js';
import type { ResultsQuery } from './results.schemas.js';

const CHANNEL_LABELS: Record<string, string> = { email: 'email answers', link: 'web-link answers', api: 'API answers' };

/**
 * The filters in force, in one line for the collapsed filter form: "Last 90 days · all contacts ·
 * every channel", "2026-05-01 to 2026-05-10 · plan = Pro · email answers · tag late · by region".
 * Pure.
 */
export function filterSummary(
  query: Pick<ResultsQuery, 'range' | 'from' | 'to' | 'prop' | 'value' | 'channel' | 'tag' | 'segment'>,
): string {
  const range =
    query.range === 'custom' && query.from && query.to ? `${query.from} to ${query.to}` : RANGE_LABELS[query.range];
  const parts = [
    range,
    query.prop ? `${query.prop} = ${query.value ?? ''}` : 'all contacts',
    query.channel ? (CHANNEL_LABELS[query.channel] ?? query.channel) : 'every channel',
  ];
  if (query.tag) parts.push(`tag ${query.tag}`);
  if (query.segment) parts.push(`by ${query.segment}`);
  return parts.join(' · ');
}
