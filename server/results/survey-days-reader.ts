import type mongoose from 'mongoose';

import type { surveyDetailOf } from '../surveys/survey-detail.js';
import { DAY_DOC_FIELDS, type DayDoc } from './day-counts.js';

type SurveyDoc = Parameters<typeof surveyDetailOf>[0];

/**
 * Reads only: a survey with its overall day documents in one round trip, which is all the unfiltered
 * results page and API summary need (the figures, and the delivered count for the response rate).
 * An aggregate on the survey's _id that looks up `responseDays` by `{surveyId, key: ''}`, a prefix of
 * that collection's one index. The `let` + `$expr: {$eq}` form is the one both MongoDB (5.0+, where
 * such an `$eq` uses the index) and mongo-java-server accept. The collections keep their writers.
 */
export class SurveyDaysReader {
  /** The surveys collection, and the name of the day documents' collection (wired in boot/). */
  constructor(
    private readonly surveys: mongoose.mongo.Collection,
    private readonly from: { days: string },
  ) {}

  /** The survey and its overall day documents; null when there is no such survey. */
  async read(surveyId: mongoose.Types.ObjectId): Promise<{ survey: SurveyDoc; days: DayDoc[] } | null> {
    const [row] = await this.surveys
      .aggregate<SurveyDoc & { days: DayDoc[] }>([
        { $match: { _id: surveyId } },
        { $limit: 1 },
        {
          $lookup: {
            from: this.from.days,
            let: { survey: '$_id' },
            pipeline: [
              { $match: { key: '', $expr: { $eq: ['$surveyId', '$$survey'] } } },
              { $project: DAY_DOC_FIELDS },
            ],
            as: 'days',
          },
        },
      ])
      .toArray();
    if (!row) return null;
    const { days, ...survey } = row;
    return { survey, days };
  }
}
