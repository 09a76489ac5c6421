import { randomBytes } from 'node:crypto';

import type { Sealer } from '../lib/seal.js';

/**
 * The sealed stamp in every answer form: when the page was served and a one-time key for this copy of
 * it. Sealed (AES-GCM), so a client can neither forge an older page nor reuse another page's key.
 */
export interface PageStamp {
  /** When the page was served (ms since epoch). */
  servedAt: number;
  /** One-time key of this copy of the page. */
  key: string;
}

/** A page cannot be served in the future: this much allowance for the clocks of several app instances. */
const CLOCK_SKEW_MS = 60_000;

export function newStamp(sealer: Sealer, now: Date): string {
  return sealer.seal(JSON.stringify({ servedAt: now.getTime(), key: randomBytes(16).toString('base64url') }));
}

/** The stamp a form came back with, or null when it was tampered with, forged or not ours. */
export function readStamp(sealer: Sealer, stamp: string, now: Date): PageStamp | null {
  try {
    const parsed = JSON.parse(sealer.open(stamp)) as Partial<PageStamp>;
    if (typeof parsed.servedAt !== 'number' || typeof parsed.key !== 'string') return null;
    if (parsed.servedAt > now.getTime() + CLOCK_SKEW_MS) return null;
    return { servedAt: parsed.servedAt, key: parsed.key };
  } catch {
    return null;
  }
}
