import type mongoose from 'mongoose';
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { NPS_CATEGORIES, REPURCHASE_ANSWERS, RESPONSE_CHANNELS, REVIEW_STATES } from '../vocabulary/answers.js';

export const responseSchema = new Schema(
  {
    surveyId: { type: Schema.Types.ObjectId, ref: 'Survey', required: true },
    // Absent for anonymous web-link responses; unique where present (sparse, which every engine honours,
    // unlike partialFilterExpression): at most one response per invitation.
    invitationId: { type: Schema.Types.ObjectId, ref: 'Invitation' },
    contactId: { type: Schema.Types.ObjectId, ref: 'Contact' },
    score: { type: Number, required: true, min: 0, max: 10 },
    category: { type: String, enum: NPS_CATEGORIES, required: true },
    repurchase: { type: String, enum: REPURCHASE_ANSWERS },
    comment: { type: String, maxlength: 5000, default: '' },
    // Answers to the survey's additional questions (surveys/extra-questions.ts), by question id: the
    // chosen option ids, a 1-5 rating, or a short text. Unanswered questions are absent.
    answers: {
      type: [
        {
          _id: false,
          q: { type: String, required: true, maxlength: 8 },
          choices: { type: [String], default: undefined },
          rating: { type: Number, min: 1, max: 5 },
          text: { type: String, maxlength: 500 },
        },
      ],
      default: undefined,
    },
    channel: { type: String, enum: RESPONSE_CHANNELS, required: true },
    tags: { type: [String], default: [] },
    // Last time the customer submitted; firstSubmittedAt starts the edit window (RESPONSE_EDIT_DAYS).
    submittedAt: { type: Date, required: true },
    firstSubmittedAt: { type: Date },
    // Web-link answers: a hash of the one-time key in the form the customer loaded, so a double click or a
    // resent form gives one response (sparse unique, like invitationId).
    submissionKey: { type: String },
    // Contact properties as they were when the customer answered, for segmenting.
    contactSnapshot: { type: Map, of: String, default: () => new Map<string, string>() },
    botSignals: {
      secondsToFirstClick: { type: Number },
      secondsOnPage: { type: Number },
      honeypot: { type: Boolean, default: false },
      // Why the response was flagged as automated (server/responses/README.md), empty when it was not.
      reasons: { type: [String], default: [] },
    },
    reviewedAt: { type: Date },
    reviewedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    // Flagged responses are kept but excluded from every figure until a manager accepts them.
    review: { type: String, enum: REVIEW_STATES, required: true, default: 'none' },
    // Writes whose day counts are not applied yet: +1 with every write, -1 once its counts are in
    // (results/aggregates.ts). Above 0 after a failure in between, so the workers recount the days
    // from countsPendingFrom on, once countsPendingAt is a few quiet minutes old.
    countsPending: { type: Number },
    countsPendingAt: { type: Date },
    countsPendingFrom: { type: Date },
  },
  { timestamps: true },
);
responseSchema.index({ invitationId: 1 }, { unique: true, sparse: true });
responseSchema.index({ submissionKey: 1 }, { unique: true, sparse: true });
responseSchema.index({ surveyId: 1, submittedAt: -1 });
responseSchema.index({ surveyId: 1, review: 1, submittedAt: -1 });
// The comments tab's keyset paging: equality on the survey, then the sort (and range) on time and id.
responseSchema.index({ surveyId: 1, submittedAt: -1, _id: -1 });
responseSchema.index({ contactId: 1, submittedAt: -1 });
// Which questions have answers (editing a live survey), and a question's text answers, newest first.
responseSchema.index({ surveyId: 1, 'answers.q': 1, submittedAt: -1 });
responseSchema.index({ countsPending: 1 }, { sparse: true });

export type SurveyResponse = InferSchemaType<typeof responseSchema>;

export function responseModel(connection: Connection) {
  return connection.model('Response', responseSchema);
}
export type ResponseModel = ReturnType<typeof responseModel>;

/** A response as a lean read returns it. */
export type ResponseDoc = SurveyResponse & { _id: mongoose.Types.ObjectId; createdAt?: Date; updatedAt?: Date };
