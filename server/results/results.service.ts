import mongoose from 'mongoose';
import type { Models } from '../db/models.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError } from '../lib/errors.js';
import type { NpsCategory, RepurchaseAnswer } from '../responses/response.model.js';
import { COUNTED_REVIEW_STATES } from '../surveys/surveys.service.js';
import { differsSignificantly, npsFigures, type NpsFigures } from './nps.js';
import type { ResultsQuery } from './results.schemas.js';
import { summarise, type Cell, type Summary } from './summary.js';
import { addDays, dayIn, startOfDay } from './time-zone.js';

export const COMMENTS_PER_PAGE = 20;

export interface Period {
  /** First and last calendar day, in the reporting time zone; undefined for "all time". */
  fromDay: string | undefined;
  toDay: string | undefined;
  start: Date | undefined;
  /** Exclusive. */
  end: Date | undefined;
}

export interface SurveyResults {
  period: Period;
  summary: Summary;
  /** Responses in the same filters flagged as automated (excluded, waiting for review). */
  flagged: number;
  previous: { period: Period; figures: NpsFigures; change: number | null; significant: boolean } | undefined;
  responseRate: { delivered: number; responded: number; rate: number | null };
  comments: {
    items: { id: string; score: number; category: NpsCategory; repurchase: RepurchaseAnswer | undefined; comment: string; submittedAt: Date; channel: string; contactId: string | undefined; contactName: string | undefined }[];
    page: number;
    pages: number;
    total: number;
  };
}

/** The days a range preset covers, ending today in the reporting time zone. */
export function periodOf(query: Pick<ResultsQuery, 'range' | 'from' | 'to'>, now: Date, timeZone: string): Period {
  const today = dayIn(now, timeZone);
  const lengths = { '30d': 30, '90d': 90, '12m': 365 } as const;
  let fromDay: string | undefined;
  let toDay: string | undefined;
  if (query.range === 'custom') {
    fromDay = query.from;
    toDay = query.to;
  } else if (query.range !== 'all') {
    fromDay = addDays(today, 1 - lengths[query.range]);
    toDay = today;
  }
  return {
    fromDay,
    toDay,
    start: fromDay ? startOfDay(fromDay, timeZone) : undefined,
    end: toDay ? startOfDay(addDays(toDay, 1), timeZone) : undefined,
  };
}

/** The period of the same length just before (none for "all time"). */
export function previousPeriodOf(period: Period, timeZone: string): Period | undefined {
  if (!period.fromDay || !period.toDay) return undefined;
  const days = Math.round((Date.parse(period.toDay) - Date.parse(period.fromDay)) / 86_400_000) + 1;
  const fromDay = addDays(period.fromDay, -days);
  const toDay = addDays(period.fromDay, -1);
  return { fromDay, toDay, start: startOfDay(fromDay, timeZone), end: startOfDay(period.fromDay, timeZone) };
}

/**
 * A survey's results under the page's filters. Figures count responses not flagged as automated
 * (or accepted by a manager), exactly as PRODUCT.md defines them.
 */
export function createResultsService(deps: { models: Models; clock: Clock; timeZone: string }) {
  const { models, clock, timeZone } = deps;

  // Operator objects are ours, so marked trusted (sanitizeFilter is on globally); user input reaches
  // this filter only as validated plain strings (the property key is checked by resultsQuerySchema).
  function filterOf(surveyId: mongoose.Types.ObjectId, period: Period, query: ResultsQuery, review: readonly string[]): Record<string, unknown> {
    const filter: Record<string, unknown> = { surveyId, review: mongoose.trusted({ $in: review }) };
    if (period.start || period.end) filter.submittedAt = mongoose.trusted({ ...(period.start ? { $gte: period.start } : {}), ...(period.end ? { $lt: period.end } : {}) });
    if (query.channel) filter.channel = query.channel;
    if (query.prop) filter[`contactSnapshot.${query.prop}`] = query.value;
    return filter;
  }

  async function cellsOf(filter: Record<string, unknown>): Promise<Cell[]> {
    const rows = await models.responses.aggregate<{ _id: { score: number; repurchase?: RepurchaseAnswer | null }; n: number }>([
      { $match: filter },
      { $group: { _id: { score: '$score', repurchase: '$repurchase' }, n: { $sum: 1 } } },
    ]);
    return rows.map((r) => ({ score: r._id.score, repurchase: r._id.repurchase ?? null, n: r.n }));
  }

  async function comments(filter: Record<string, unknown>, query: ResultsQuery): Promise<SurveyResults['comments']> {
    const commentFilter = { ...filter, comment: mongoose.trusted({ $nin: ['', null] }), ...(query.comments !== 'all' ? { category: query.comments } : {}) };
    const total = await models.responses.countDocuments(commentFilter);
    const pages = Math.max(1, Math.ceil(total / COMMENTS_PER_PAGE));
    const page = Math.min(query.page, pages);
    const docs = await models.responses
      .find(commentFilter)
      .sort({ submittedAt: -1, _id: -1 })
      .skip((page - 1) * COMMENTS_PER_PAGE)
      .limit(COMMENTS_PER_PAGE)
      .select('score category repurchase comment submittedAt channel contactId')
      .lean();
    const contactIds = docs.flatMap((d) => (d.contactId ? [d.contactId] : []));
    const contacts = contactIds.length > 0 ? await models.contacts.find({ _id: mongoose.trusted({ $in: contactIds }) }).select('name email').lean() : [];
    const names = new Map(contacts.map((c) => [String(c._id), c.name || c.email]));
    return {
      page,
      pages,
      total,
      items: docs.map((d) => ({
        id: String(d._id),
        score: d.score,
        category: d.category,
        repurchase: d.repurchase ?? undefined,
        comment: d.comment ?? '',
        submittedAt: d.submittedAt,
        channel: d.channel,
        contactId: d.contactId ? String(d.contactId) : undefined,
        contactName: d.contactId ? names.get(String(d.contactId)) : undefined,
      })),
    };
  }

  /** Results of one survey under the page's filters, with the previous period for comparison. */
  async function surveyResults(surveyId: string, query: ResultsQuery): Promise<SurveyResults> {
    if (!mongoose.isValidObjectId(surveyId)) throw new NotFoundError('That survey does not exist. It may have been deleted.', 'SURVEY_NOT_FOUND');
    const _id = new mongoose.Types.ObjectId(surveyId);
    const period = periodOf(query, clock.now(), timeZone);
    const previousPeriod = previousPeriodOf(period, timeZone);
    const filter = filterOf(_id, period, query, COUNTED_REVIEW_STATES);
    const [cells, previousCells, flagged, delivered, responded, commentPage] = await Promise.all([
      cellsOf(filter),
      previousPeriod ? cellsOf(filterOf(_id, previousPeriod, query, COUNTED_REVIEW_STATES)) : Promise.resolve(undefined),
      models.responses.countDocuments(filterOf(_id, period, query, ['flagged'])),
      models.invitations.countDocuments({ surveyId: _id, status: 'sent' }),
      models.invitations.countDocuments({ surveyId: _id, status: 'sent', respondedAt: mongoose.trusted({ $ne: null }) }),
      comments(filter, query),
    ]);
    const summary = summarise(cells);
    let previous: SurveyResults['previous'];
    if (previousPeriod && previousCells) {
      const figures = npsFigures(summarise(previousCells).figures);
      const change = summary.figures.nps !== null && figures.nps !== null ? summary.figures.nps - figures.nps : null;
      previous = { period: previousPeriod, figures, change, significant: change !== null && differsSignificantly(summary.figures, figures) };
    }
    return {
      period,
      summary,
      flagged,
      previous,
      responseRate: { delivered, responded, rate: delivered === 0 ? null : (100 * responded) / delivered },
      comments: commentPage,
    };
  }

  return { surveyResults };
}

export type ResultsService = ReturnType<typeof createResultsService>;
