import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Counts of a survey's responses per calendar day (in the reporting time zone) and channel: counted
 * responses by "score|repurchase" (`c`), and responses flagged as automated (`flagged`); overall
 * (`key` and `value` are "") and per contact property value ("plan" = "Pro", from the responses'
 * property snapshots). Kept up to date with $inc as responses arrive or change (aggregates.ts), in one
 * bulk write per response however many properties it carries, and rebuildable from the responses, so
 * results pages never scan a million responses. `_id` is "surveyId|day|channel" overall and
 * "surveyId|day|channel|key|value" per value.
 */
export const responseDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    day: { type: String, required: true },
    channel: { type: String, required: true },
    key: { type: String, default: '' },
    value: { type: String, default: '' },
    c: { type: Schema.Types.Mixed, default: {} },
    flagged: { type: Number, default: 0 },
  },
  { versionKey: false, minimize: false },
);
// The survey's overall days ({surveyId, key: ''}), one property's or one value's days, in day order.
responseDaySchema.index({ surveyId: 1, key: 1, value: 1, day: 1 });

export type ResponseDay = InferSchemaType<typeof responseDaySchema>;

/**
 * The layout of the day documents; a stored layout other than this one is rebuilt at start-up (3: the
 * per-value delivered counts, delivered-value.model.ts, are kept too).
 */
export const DAY_LAYOUT = 3;

/** Which time zone the stored days were computed in; a change of REPORT_TIME_ZONE triggers a rebuild. */
export const aggregateMetaSchema = new Schema(
  {
    _id: { type: String, required: true },
    timeZone: { type: String, required: true },
    layout: { type: Number },
    rebuiltAt: { type: Date },
  },
  { versionKey: false },
);

export function responseDayModel(connection: Connection) {
  return connection.model('ResponseDay', responseDaySchema);
}
export type ResponseDayModel = ReturnType<typeof responseDayModel>;

export function aggregateMetaModel(connection: Connection) {
  return connection.model('AggregateMeta', aggregateMetaSchema);
}
export type AggregateMetaModel = ReturnType<typeof aggregateMetaModel>;
