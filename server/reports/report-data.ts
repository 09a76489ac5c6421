import type mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import type { OverallResults } from '../results/overall-results.js';
import type { ResultsQuery } from '../results/results.schemas.js';
import type { OldCase } from './report-content.js';

type Id = mongoose.Types.ObjectId;

export interface GatherDeps {
  overall: OverallResults;
  /** Open follow-up cases opened before `cutoff` (followups/), oldest first. */
  oldCases(surveyIds: readonly Id[], cutoff: Date, limit: number): Promise<{ total: number; items: OldCase[] }>;
  clock: Clock;
}

/**
 * Everything a report (and the live dashboard) shows, read at once: the period's figures, the trend,
 * the newest detractor and promoter comments, and open follow-ups older than `ageDays`.
 * `surveyId` undefined means every survey, pooled.
 */
export async function gatherReport(
  deps: GatherDeps,
  input: { surveyId: string | undefined; query: ResultsQuery; trendQuery: ResultsQuery; ageDays: number },
) {
  const { overall } = deps;
  const surveys = await overall.surveysOf(input.surveyId);
  const ids = surveys.map((s) => s.id);
  const cutoff = new Date(deps.clock.now().getTime() - input.ageDays * 86_400_000);
  const [figures, trendFigures, detractors, promoters, oldCases] = await Promise.all([
    overall.figures(surveys, input.query),
    overall.figures(surveys, input.trendQuery, { withRate: false }),
    overall.newestComments(ids, input.query, 'detractor', 3),
    overall.newestComments(ids, input.query, 'promoter', 3),
    deps.oldCases(ids, cutoff, 5),
  ]);
  return {
    ids,
    figures,
    trend: trendFigures.trend,
    detractors,
    promoters,
    oldCases: { ageDays: input.ageDays, ...oldCases },
  };
}
