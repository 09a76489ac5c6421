import type mongoose from 'mongoose';

import { dayIn } from '../lib/time-zone.js';
import type { ResponseStore } from '../responses/response.store.js';
import type { DayCountStore } from './aggregates.js';

/**
 * Self-repair after a failure between a response write and its count update (a database outage, a
 * killed process, a contact deletion that stopped halfway): recounts the days of responses still
 * pending after `quietMs`, survey by survey, and only for surveys with no response written in the last
 * `quietMs` (so no live $inc can interleave with the recount). Writes that land during the recount are
 * marked again and repaired on a later run. Returns the number of survey-day ranges recounted.
 */
export async function repairPending(
  deps: { responses: ResponseStore; counts: DayCountStore; timeZone: string },
  options: { now: Date; quietMs: number },
): Promise<number> {
  const cutoff = new Date(options.now.getTime() - options.quietMs);
  const pending = await deps.responses.pendingSince(cutoff, 5000);
  const bySurvey = new Map<
    string,
    { surveyId: mongoose.Types.ObjectId; from: Date; to: Date; ids: mongoose.Types.ObjectId[] }
  >();
  for (const r of pending) {
    const submittedAt = r.submittedAt as Date;
    const from =
      r.countsPendingFrom instanceof Date && r.countsPendingFrom < submittedAt ? r.countsPendingFrom : submittedAt;
    const entry = bySurvey.get(String(r.surveyId));
    if (!entry)
      bySurvey.set(String(r.surveyId), {
        surveyId: r.surveyId as mongoose.Types.ObjectId,
        from,
        to: submittedAt,
        ids: [r._id],
      });
    else {
      if (from < entry.from) entry.from = from;
      if (submittedAt > entry.to) entry.to = submittedAt;
      entry.ids.push(r._id);
    }
  }
  let repaired = 0;
  for (const { surveyId, from, to, ids } of bySurvey.values()) {
    if (await deps.responses.writtenSince(surveyId, cutoff)) continue;
    const started = new Date();
    await deps.counts.rebuild(surveyId, { fromDay: dayIn(from, deps.timeZone), toDay: dayIn(to, deps.timeZone) });
    await deps.responses.clearPending(ids);
    // Anything written meanwhile may have raced the recount: mark it for the next run.
    await deps.responses.markWrittenSince(surveyId, started, options.now);
    repaired++;
  }
  return repaired;
}
