import type { Clock } from '../../server/lib/clock.js';

/**
 * A clock tests can move forward. Stopped by default; a `live` clock runs with real time (for browser
 * tests, where page scripts wait in real time) and can still be moved forward.
 */
export class TestClock implements Clock {
  private offsetMs: number;
  private readonly live: boolean;
  constructor(start = new Date(), options: { live?: boolean } = {}) {
    this.live = options.live === true;
    this.offsetMs = start.getTime() - (this.live ? Date.now() : 0);
  }
  now(): Date {
    return new Date((this.live ? Date.now() : 0) + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
