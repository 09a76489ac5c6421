import type mongoose from 'mongoose';
import { z } from 'zod';

import { addDays, dayIn } from '../lib/time-zone.js';
import { urlWith } from '../results/results-view.js';
import { checkFilters, filterShape, type ResultsQuery } from '../results/results.schemas.js';
import { filtersTextOf, reportView } from './report-content.js';
import { gatherReport, type GatherDeps } from './report-data.js';

const blank = (v: unknown) => (v === '' ? undefined : v);
export const DASHBOARD_RANGES = ['30d', '90d', '12m', 'all'] as const;
const RANGE_WORDS: Record<string, string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  '12m': 'Last 12 months',
  all: 'All time',
};

/**
 * The home page's choices, in its URL: which survey (none: all together), the range and the results
 * page's filters (an all-surveys email report links here with its period and filters).
 */
export const dashboardQuerySchema = z
  .object({
    survey: z.preprocess(
      blank,
      z
        .string()
        .regex(/^[a-f0-9]{24}$/, { error: 'Choose a survey from the list.' })
        .optional(),
    ),
    ...filterShape,
    tag: z.preprocess(
      blank,
      z.string().trim().toLowerCase().max(50, { error: 'Choose a tag from the list.' }).optional(),
    ),
  })
  .superRefine(checkFilters);
export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

/** Follow-up ages shown on the dashboard, in days: the buckets are "under 1 day", "1-3 days", ... "over 30 days". */
const AGE_EDGES = [1, 3, 7, 30];

export interface DashboardDeps extends GatherDeps {
  /** Active follow-ups of the surveys, and how many were opened before each cutoff. */
  caseAges(
    surveyIds: readonly mongoose.Types.ObjectId[],
    cutoffs: readonly Date[],
  ): Promise<{ total: number; before: number[] }>;
  baseUrl: string;
  timeZone: string;
}

/**
 * The signed-in home page: a report's content, live. Every survey together (or one), the range's NPS
 * with its interval and the change from the range before (the results page's test and words), the
 * trend by month for 12 months, follow-ups still open by age, the newest comments and the last 30
 * days' response rate.
 */
export async function dashboard(deps: DashboardDeps, input: DashboardQuery) {
  const { clock, timeZone } = deps;
  const now = clock.now();
  const today = dayIn(now, timeZone);
  const filters = {
    range: input.range,
    from: input.from,
    to: input.to,
    prop: input.prop,
    value: input.value,
    channel: input.channel,
    tag: input.tag,
  };
  const query = { ...filters, interval: 'auto', comments: 'all' } as ResultsQuery;
  // The trend has the view's filters, over the last 12 months by month.
  const trendFilters = { prop: input.prop, value: input.value, channel: input.channel, tag: input.tag };
  const trendQuery = {
    ...trendFilters,
    range: 'custom',
    from: `${addDays(today, -335).slice(0, 7)}-01`,
    to: today,
    interval: 'month',
    comments: 'all',
  } as ResultsQuery;
  const last30 = { start: new Date(now.getTime() - 30 * 86_400_000), end: now };
  const data = await gatherReport(deps, { surveyId: input.survey, query, trendQuery, ageDays: 7, moreRates: [last30] });
  const ages = await deps.caseAges(
    data.ids,
    AGE_EDGES.map((d) => new Date(now.getTime() - d * 86_400_000)),
  );
  const rate30 = data.moreRates[0]!;
  // before[i]: opened more than AGE_EDGES[i] days ago; the buckets are the differences.
  const counts = [ages.total, ...ages.before];
  const ageBuckets = ['Under 1 day', '1 to 3 days', '3 to 7 days', '7 to 30 days', 'Over 30 days'].map((label, i) => ({
    label,
    n: (counts[i] ?? 0) - (counts[i + 1] ?? 0),
  }));
  const period = data.figures.period;
  const results = input.survey ? `/surveys/${input.survey}/results` : undefined;
  return {
    view: reportView({
      ...data,
      title: input.survey ? (data.figures.surveys[0]?.name ?? 'Survey') : 'All surveys',
      periodText: period.fromDay
        ? `${RANGE_WORDS[input.range] ?? 'Custom dates'}: ${period.fromDay} to ${period.toDay}`
        : 'All time',
      timeZone,
      resultsUrl: results ? urlWith(results, filters, {}) : '/surveys',
      baseUrl: '',
      filtersText: filtersTextOf(input),
      allSurveys: !input.survey,
    }),
    ageBuckets,
    openCases: ages.total,
    rate30,
    ranges: [
      ...DASHBOARD_RANGES.map((r) => ({ value: r, label: RANGE_WORDS[r]! })),
      ...(input.range === 'custom' ? [{ value: 'custom', label: `${input.from} to ${input.to}` }] : []),
    ],
  };
}
