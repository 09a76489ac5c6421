import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Counts of a survey's responses per calendar day (in the reporting time zone) and channel: counted
 * responses by "score|repurchase" (`c`), and responses flagged as automated (`flagged`). Kept up to
 * date with $inc as responses arrive or change (aggregates.ts), rebuildable from the responses, so
 * results pages never scan a million responses. `_id` is "surveyId|day|channel".
 */
export const responseDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    day: { type: String, required: true },
    channel: { type: String, required: true },
    c: { type: Schema.Types.Mixed, default: {} },
    flagged: { type: Number, default: 0 },
  },
  { versionKey: false, minimize: false },
);
responseDaySchema.index({ surveyId: 1, day: 1 });

export type ResponseDay = InferSchemaType<typeof responseDaySchema>;

/**
 * The same counts per contact property value ("plan" = "Pro"), from the responses' property snapshots,
 * so a property-filtered view or a segment table reads a few hundred small documents instead of
 * scanning the responses. `_id` is "surveyId|day|channel|key|value".
 */
export const responseSegmentDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    day: { type: String, required: true },
    channel: { type: String, required: true },
    key: { type: String, required: true },
    value: { type: String, required: true },
    c: { type: Schema.Types.Mixed, default: {} },
    flagged: { type: Number, default: 0 },
  },
  { versionKey: false, minimize: false },
);
responseSegmentDaySchema.index({ surveyId: 1, key: 1, value: 1, day: 1 });

/** Which time zone the stored days were computed in; a change of REPORT_TIME_ZONE triggers a rebuild. */
export const aggregateMetaSchema = new Schema(
  { _id: { type: String, required: true }, timeZone: { type: String, required: true }, rebuiltAt: { type: Date } },
  { versionKey: false },
);

export function responseDayModel(connection: Connection) {
  return connection.model('ResponseDay', responseDaySchema);
}
export type ResponseDayModel = ReturnType<typeof responseDayModel>;

export function responseSegmentDayModel(connection: Connection) {
  return connection.model('ResponseSegmentDay', responseSegmentDaySchema);
}
export type ResponseSegmentDayModel = ReturnType<typeof responseSegmentDayModel>;

export function aggregateMetaModel(connection: Connection) {
  return connection.model('AggregateMeta', aggregateMetaSchema);
}
export type AggregateMetaModel = ReturnType<typeof aggregateMetaModel>;
