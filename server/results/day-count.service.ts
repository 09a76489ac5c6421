import type mongoose from 'mongoose';

import type { ResponseStore } from '../responses/response.store.js';
import type { DayCountStore } from './aggregates.js';
import { repairPending } from './count-repair.js';
import type { DayCounts, DayDoc } from './day-counts.js';

type Id = mongoose.Types.ObjectId;

/**
 * The day counts as the rest of the app uses them: reads for the results pages, the full recount
 * (npm run results:rebuild), the recount after a change of REPORT_TIME_ZONE, and the self-repair the
 * workers run (count-repair.ts).
 */
export class DayCountService {
  constructor(
    private readonly deps: {
      counts: DayCountStore;
      responses: ResponseStore;
      /** The surveys' invitation counts by delivery status (sending domain), recounted with the rest. */
      invitationCounts: { rebuild(surveyId?: Id): Promise<void> };
      timeZone: string;
    },
  ) {}

  daysOf(
    surveyId: Id,
    range: { fromDay?: string | undefined; toDay?: string | undefined; channel?: string | undefined } = {},
  ): Promise<DayCounts[]> {
    return this.deps.counts.daysOf(surveyId, range);
  }

  segmentDocsOf(surveyId: Id, key: string, value?: string): Promise<DayDoc[]> {
    return this.deps.counts.segmentDocsOf(surveyId, key, value);
  }

  propertyKeysOf(surveyId: Id): Promise<string[]> {
    return this.deps.counts.propertyKeysOf(surveyId);
  }

  /** Recounts one survey, or everything (and then records the time zone the days were counted in). */
  async rebuild(surveyId?: Id): Promise<{ days: number; segmentDays: number; responses: number }> {
    const result = await this.deps.counts.rebuild(surveyId);
    await this.deps.invitationCounts.rebuild(surveyId);
    if (!surveyId) await this.deps.counts.markRebuilt();
    return result;
  }

  async ensureTimeZone(): Promise<boolean> {
    const rebuilt = await this.deps.counts.ensureTimeZone();
    if (rebuilt) await this.deps.invitationCounts.rebuild();
    return rebuilt;
  }

  /** Recounts the days of writes whose counts a failure left pending, once their survey is quiet. */
  repairPending(options: { now: Date; quietMs: number }): Promise<number> {
    return repairPending(this.deps, options);
  }
}
