import type { Clock } from '../lib/clock.js';
import { ttlCache } from '../lib/ttl-cache.js';

/**
 * Filter choices for a survey's results: the contacts' property names and those its answers carry,
 * each list fetched at most once a minute.
 */
export function filterPropertyKeys(
  contactKeys: () => Promise<string[]>,
  surveyKeys: (surveyId: string) => Promise<string[]>,
  clock: Clock,
): (surveyId: string) => Promise<string[]> {
  const contacts = ttlCache({ ttlMs: 60_000, clock }, () => contactKeys());
  const surveys = ttlCache({ ttlMs: 60_000, clock }, surveyKeys);
  return async (surveyId) => {
    const [a, b] = await Promise.all([contacts.get(undefined), surveys.get(surveyId)]);
    return [...new Set([...a, ...b])].sort((x, y) => x.localeCompare(y));
  };
}
