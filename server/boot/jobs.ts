import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '../lib/logger.js';

/**
 * A background job: `run` is called every `everyMs` (first at start when `runAtStart`, else after one
 * period). A run that returns true found more work than it finished, so the next run starts at once.
 * Runs of one job never overlap; different jobs run side by side. Every job is safe to run in any
 * number of processes at once (each claims its work with an atomic update).
 */
export interface Job {
  name: string;
  everyMs: number;
  runAtStart?: boolean;
  run: () => Promise<boolean | void>;
}

export interface RunningJobs {
  /** Lets each job finish the run in hand, then stops them all. */
  stop(): Promise<void>;
}

/** Runs every job in its own loop until stop(); a failed run is logged and tried again a period later. */
export function startJobs(jobs: readonly Job[], logger: Logger): RunningJobs {
  const stopped = new AbortController();
  const loops = jobs.map(async (job) => {
    let wait = job.runAtStart ? 0 : job.everyMs;
    while (!stopped.signal.aborted) {
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal: stopped.signal });
        } catch {
          return; // stopped while waiting
        }
      }
      let more = false;
      const started = performance.now();
      try {
        more = (await job.run()) === true;
        const ms = Math.round(performance.now() - started);
        if (ms > 5000) logger.info({ job: job.name, ms }, `background job "${job.name}" took ${ms} ms`);
      } catch (err) {
        logger.error({ err, job: job.name }, `background job "${job.name}" failed; it runs again later`);
      }
      wait = more ? 0 : job.everyMs;
    }
  });
  return {
    async stop() {
      stopped.abort();
      await Promise.all(loops);
    },
  };
}
