import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { addDays, dayIn, startOfDay } from '../lib/time-zone.js';
import { responseSummaryOf } from '../responses/response-json.js';
import { surveyDetailOf, type SurveyDetail } from '../surveys/survey-detail.js';
import { surveyIdOf, surveyNotFound } from '../surveys/survey-id.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { COUNTED_REVIEW_STATES, type NpsCategory, type RepurchaseAnswer } from '../vocabulary/answers.js';
import { isSurveyType } from '../vocabulary/scales.js';
import type { DayCountStore } from './aggregates.js';
import { ANSWERED_VALUE, bySurvey, isQuestionKey, mergeDays, type DayDoc } from './day-counts.js';
import type { DeliveredValueStore } from './delivered-values.store.js';
import { headlineOf, type Headline } from './headline.js';
import { npsFigures, type NpsFigures } from './nps.js';
import { inRange, periodOf, previousPeriodOf, type Period } from './periods.js';
import {
  answerCountsOf,
  optionLabel,
  questionLabel,
  questionOf,
  questionResults,
  type QuestionResult,
} from './question-results.js';
import type { ResponseQueries } from './response-queries.js';
import type { ResultsQuery } from './results.schemas.js';
import {
  countsByValue,
  reachByValue,
  representativenessRows,
  segmentRows,
  type RepresentativenessRow,
  type SegmentRow,
} from './segments.js';
import { share } from './summary.js';
import type { SurveyDaysReader } from './survey-days-reader.js';
import { firstDayToRead, periodFigures, respondedIn, type PeriodFigures } from './survey-figures.js';
import { countsOf, trendOf, type TrendPoint } from './trend.js';

export const COMMENTS_PER_PAGE = 20;

export interface SurveyResults extends PeriodFigures {
  period: Period;
  /** `withoutValue`: responses in the view whose contact had no value for the property (in no row). */
  /** `question`: the breakdown is by an additional question's answers (`property` is its wording). */
  segments: { property: string; rows: SegmentRow[]; withoutValue: number; question?: true } | undefined;
  representativeness:
    { property: string; rows: RepresentativenessRow[]; invited: number; answered: number } | undefined;
  responseRate: { delivered: number; responded: number; rate: number | null };
  /** The additional questions' results under the same filters. */
  questions: QuestionResult[];
}

export interface SurveyOverview {
  figures: NpsFigures;
  /** The survey type's headline (NPS surveys: the same NPS as `figures`). */
  headline: Headline;
  delivered: number;
  responded: number;
  rate: number | null;
  /** NPS per month over the last 12 months. */
  trend: TrendPoint[];
}

export interface CommentsPage {
  items: {
    id: string;
    score: number;
    category: NpsCategory;
    repurchase: RepurchaseAnswer | undefined;
    comment: string;
    submittedAt: Date;
    channel: string;
    contactId: string | undefined;
    contactName: string | undefined;
    tags: string[];
  }[];
  /** True on the first page (no `before`). */
  newest: boolean;
  /** The `before` of the next, older page; undefined when this is the last. */
  olderCursor: string | undefined;
}

/**
 * A survey's results under the page's filters. Figures count responses not flagged as automated
 * (or accepted by a manager), exactly as PRODUCT.md defines them. Everything comes from the per-day
 * counts (aggregates.ts), except a tag filter, which reads the matching responses once.
 */
export class ResultsService {
  constructor(
    private readonly deps: {
      counts: DayCountStore;
      queries: ResponseQueries;
      surveys: SurveyStore;
      surveyDays: SurveyDaysReader;
      deliveredValues: DeliveredValueStore;
      clock: Clock;
      timeZone: string;
    },
  ) {}

  /**
   * Results of one survey under the page's filters, with the previous period, trend and segments,
   * and the survey itself: it and its day documents come in one round trip (survey-days-reader.ts),
   * a property filter's per-value documents beside it. NotFoundError when there is no such survey.
   */
  async surveyResults(
    surveyId: string,
    query: ResultsQuery,
  ): Promise<{ survey: SurveyDetail; results: SurveyResults }> {
    const { counts, queries, clock, timeZone } = this.deps;
    const _id = surveyIdOf(surveyId);
    const now = clock.now();
    const period = periodOf(query, now, timeZone);
    const previous = previousPeriodOf(period, timeZone);
    const readFrom = firstDayToRead(period, previous, query.interval);
    // The survey's day documents are few (a year is at most 365 per channel): read them once, for the
    // figures without a property filter and for the response rate.
    const [row, propertyDocs, segmentDocs, deliveredByValue] = await Promise.all([
      this.deps.surveyDays.read(_id),
      query.prop ? counts.segmentDocsOf(_id, query.prop, query.value) : undefined,
      query.segment ? counts.segmentDocsOf(_id, query.segment) : undefined,
      query.segment && !isQuestionKey(query.segment)
        ? this.deps.deliveredValues.byValue(_id, query.segment)
        : undefined,
    ]);
    if (!row) throw surveyNotFound();
    const survey = surveyDetailOf(row.survey);
    const dayDocs = row.days;
    const days = query.tag
      ? await queries.days(
          queries.filterOf(
            _id,
            { start: readFrom ? startOfDay(readFrom, timeZone) : undefined, end: period.end },
            query,
          ),
        )
      : mergeDays(propertyDocs ?? dayDocs, { fromDay: readFrom, toDay: period.toDay, channel: query.channel });
    const type = survey.type;
    const figures = periodFigures(days, {
      period,
      previous,
      interval: query.interval,
      today: dayIn(now, timeZone),
      type,
    });
    // Response rate (PRODUCT.md): counted email responses / invitations delivered, all time.
    const segments = await this.segmentsOf(_id, period, query, figures.headline.n, segmentDocs, survey);
    const delivered = survey.deliveredCount;
    const responded = respondedIn(mergeDays(dayDocs, { channel: 'email' }));
    const represented =
      query.segment && segmentDocs && deliveredByValue
        ? representativenessOf(query.segment, segmentDocs, deliveredByValue, { delivered, answered: responded })
        : undefined;
    // The answers' totals ride on the day documents just read; a tag filter's days come from the
    // responses, which then give the totals too.
    const answerCounts = query.tag
      ? survey.extraQuestions.length > 0
        ? await queries.answerCounts(queries.filterOf(_id, period, query))
        : new Map<string, Map<string, number>>()
      : answerCountsOf(days.filter((d) => inRange(d.day, period.fromDay, period.toDay)));
    const results: SurveyResults = {
      period,
      ...figures,
      questions: questionResults(survey, answerCounts),
      segments,
      representativeness: represented,
      responseRate: { delivered, responded, rate: delivered === 0 ? null : share(responded, delivered) },
    };
    return { survey, results };
  }

  /** The comments of a survey under the same filters, newest first, by category, paged. */
  async comments(surveyId: string, query: ResultsQuery): Promise<CommentsPage> {
    const { queries, clock, timeZone } = this.deps;
    const period = periodOf(query, clock.now(), timeZone);
    // A short-text question's answers are listed like comments (`question`), with the same filters.
    const filter: Record<string, unknown> = {
      ...queries.filterOf(surveyIdOf(surveyId), period, query),
      review: mongoose.trusted({ $in: [...COUNTED_REVIEW_STATES] }),
      ...(query.question ? { 'answers.q': query.question } : { comment: mongoose.trusted({ $nin: ['', null] }) }),
      ...(query.comments !== 'all' ? { category: query.comments } : {}),
    };
    const [at, id] = query.before?.split('.') ?? [];
    const before = at && id ? { at: new Date(Number(at)), id: new mongoose.Types.ObjectId(id) } : undefined;
    // One more than a page: whether there is an older page, without counting every match.
    const found = await queries.comments(filter, { ...(before ? { before } : {}), limit: COMMENTS_PER_PAGE + 1 });
    const shown = found.docs.slice(0, COMMENTS_PER_PAGE);
    const last = shown.at(-1);
    return {
      newest: !before,
      olderCursor:
        found.docs.length > COMMENTS_PER_PAGE && last ? `${last.submittedAt.getTime()}.${String(last._id)}` : undefined,
      items: shown.map((d) => ({
        ...responseSummaryOf(d),
        ...(query.question ? { comment: d.answers?.find((a) => a.q === query.question)?.text ?? '' } : {}),
        contactId: d.contactId ? String(d.contactId) : undefined,
        contactName: d.contactId ? found.names.get(String(d.contactId)) : undefined,
        tags: d.tags ?? [],
      })),
    };
  }

  /**
   * The overview line of each survey: NPS over all counted responses with its margin, response rate,
   * and a 12-month trend for a sparkline. One read of the day counts for all listed surveys.
   */
  async overview(surveyIds: readonly string[]): Promise<Map<string, SurveyOverview>> {
    const ids = surveyIds.filter((id) => mongoose.isValidObjectId(id)).map((id) => new mongoose.Types.ObjectId(id));
    const [docs, surveys] = await Promise.all([this.deps.counts.dayDocsOfSurveys(ids), this.deps.surveys.byIds(ids)]);
    const docsBySurvey = bySurvey(docs);
    const delivered = new Map(surveys.map((s) => [String(s._id), s.deliveredCount ?? 0]));
    const types = new Map(surveys.map((s) => [String(s._id), isSurveyType(s.type) ? s.type : 'nps']));
    const today = dayIn(this.deps.clock.now(), this.deps.timeZone);
    const from = `${addDays(today, -334).slice(0, 7)}-01`;
    const out = new Map<string, SurveyOverview>();
    for (const id of surveyIds) {
      const surveyDocs = docsBySurvey.get(id) ?? [];
      const all = mergeDays(surveyDocs);
      const responded = respondedIn(mergeDays(surveyDocs, { channel: 'email' }));
      const sent = delivered.get(id) ?? 0;
      const type = types.get(id) ?? 'nps';
      const cells = all.flatMap((d) => d.cells);
      out.set(id, {
        figures: npsFigures(countsOf(cells)),
        headline: headlineOf(type, cells),
        delivered: sent,
        responded,
        rate: sent === 0 ? null : share(responded, sent),
        trend: trendOf(all, { fromDay: from, toDay: today }, 'month', type),
      });
    }
    return out;
  }

  /** How many of a survey's answers wait for review: read from the day counts, not by counting responses. */
  async flaggedCount(surveyId: string): Promise<number> {
    if (!mongoose.isValidObjectId(surveyId)) return 0;
    return (await this.deps.counts.daysOf(new mongoose.Types.ObjectId(surveyId))).reduce(
      (sum, d) => sum + d.flagged,
      0,
    );
  }

  /** Counts per value of the segment property: from the per-value day counts, or (with a property or tag filter too) one pass over the responses. */
  private async segmentsOf(
    surveyId: mongoose.Types.ObjectId,
    period: Period,
    query: ResultsQuery,
    all: number,
    segmentDocs: DayDoc[] | undefined,
    survey: SurveyDetail,
  ): Promise<SurveyResults['segments']> {
    const { segment } = query;
    if (!segment || !segmentDocs) return undefined;
    const question = isQuestionKey(segment) ? questionOf(survey, segment) : undefined;
    if (isQuestionKey(segment) && !question) return undefined;
    const { queries } = this.deps;
    const filtered = Boolean(query.prop || query.tag);
    const byValue = !filtered
      ? countsByValue(segmentDocs, { fromDay: period.fromDay, toDay: period.toDay, channel: query.channel })
      : question
        ? await queries.questionSegmentCounts(queries.filterOf(surveyId, period, query), segment)
        : await queries.segmentCounts(queries.filterOf(surveyId, period, query), segment);
    // A question's "*" counts everyone who answered it: the whole its rows are compared within.
    const everyone = byValue.get(ANSWERED_VALUE);
    byValue.delete(ANSWERED_VALUE);
    const rows = segmentRows(byValue, survey.type, everyone);
    const withValue = everyone
      ? everyone.reduce((sum, c) => sum + c.n, 0)
      : rows.reduce((sum, r) => sum + r.headline.n, 0);
    if (question) for (const row of rows) row.value = optionLabel(question, row.value, survey);
    return {
      property: question ? questionLabel(question, survey) : segment,
      rows,
      withoutValue: Math.max(0, all - withValue),
      ...(question ? { question: true } : {}),
    };
  }
}

/**
 * Who answered compared with who was invited, by the value of one contact property, all time: from
 * the per-value delivered counts and the per-value day counts of email answers (segments.ts).
 */
function representativenessOf(
  key: string,
  segmentDocs: readonly DayDoc[],
  delivered: ReadonlyMap<string, number>,
  totals: { delivered: number; answered: number },
): SurveyResults['representativeness'] {
  const answered = new Map(
    [...countsByValue(segmentDocs, { channel: 'email' })].map(([value, c]) => [
      value,
      c.reduce((sum, cell) => sum + cell.n, 0),
    ]),
  );
  return { property: key, ...representativenessRows(reachByValue(delivered, answered, totals)) };
}
