import type mongoose from 'mongoose';

import type { SurveyStore } from '../surveys/survey.store.js';
import type { ResponseStore } from './response.store.js';

/** For a contact's page: their answers, newest first. */
export async function answersOfContact(
  deps: { responses: ResponseStore; surveys: SurveyStore },
  contactId: mongoose.Types.ObjectId,
) {
  const docs = await deps.responses.forContact(contactId, 100);
  const names = await deps.surveys.names(docs.map((r) => r.surveyId));
  return docs.map((r) => ({
    id: String(r._id),
    surveyName: names.get(String(r.surveyId)) ?? '(deleted survey)',
    score: r.score,
    category: r.category,
    comment: r.comment ?? '',
    submittedAt: r.submittedAt,
  }));
}
