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
  input: {
    surveyId: string | undefined;
    query: ResultsQuery;
    trendQuery: ResultsQuery;
    ageDays: number;
    /** More time ranges whose response rates to read with the period's (the dashboard's 30 days). */
    moreRates?: { start: Date; end: Date }[];
  },
) {
  const { overall } = deps;
  const surveys = await overall.surveysOf(input.surveyId);
  const ids = surveys.map((s) => s.id);
  const cutoff = new Date(deps.clock.now().getTime() - input.ageDays * 86_400_000);
  // One read of the day documents serves the period and the trend (the same filters); one read of the
  // invitations serves every response rate; all side by side.
  const [docs, comments, oldCases, rates] = await Promise.all([
    input.query.tag ? undefined : overall.dayDocs(ids, input.query),
    overall.newestComments(ids, input.query, ['detractor', 'promoter'] as const, 3),
    deps.oldCases(ids, cutoff, 5),
    overall.responseRates(ids, [overall.rangeFor(input.query), ...(input.moreRates ?? [])]),
  ]);
  const [figures, trendFigures] = await Promise.all([
    overall.figures(surveys, input.query, { withRate: false, ...(docs ? { docs } : {}) }),
    overall.figures(surveys, input.trendQuery, { withRate: false, ...(docs ? { docs } : {}) }),
  ]);
  return {
    ids,
    figures: { ...figures, responseRate: rates[0]! },
    moreRates: rates.slice(1),
    trend: trendFigures.trend,
    detractors: comments.detractor,
    promoters: comments.promoter,
    oldCases: { ageDays: input.ageDays, ...oldCases },
  };
}
