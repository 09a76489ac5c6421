import type { Clock } from './clock.js';

export interface TtlCache<K, V> {
  get(key: K): Promise<V>;
  /** Drops a key, so the next get fetches it again (after a change this process made). */
  forget(key: K): void;
}

/**
 * Values fetched at most once per `ttlMs` per key, in this process: for settings and lists read on
 * every request where a few seconds' staleness is fine (another instance's change shows within
 * `ttlMs`). At most `maxKeys` are kept; past that the cache starts afresh.
 */
export function ttlCache<K, V>(
  options: { ttlMs: number; clock: Clock; maxKeys?: number },
  fetch: (key: K) => Promise<V>,
): TtlCache<K, V> {
  const entries = new Map<K, { value: V; until: number }>();
  return {
    async get(key) {
      const now = options.clock.now().getTime();
      const cached = entries.get(key);
      if (cached && cached.until > now) return cached.value;
      const value = await fetch(key);
      if (entries.size >= (options.maxKeys ?? 1000)) entries.clear();
      entries.set(key, { value, until: now + options.ttlMs });
      return value;
    },
    forget(key) {
      entries.delete(key);
    },
  };
}
