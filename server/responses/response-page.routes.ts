import { Router } from 'express';
import mongoose from 'mongoose';

import { NotFoundError } from '../lib/errors.js';
import { answerRows } from '../surveys/answer-text.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import { isCounted, REPURCHASE_LABELS } from '../vocabulary/answers.js';
import { bandWord, SCALES } from '../vocabulary/scales.js';
import { requireRole } from '../web/auth.js';
import type { ResponseDoc } from './response.model.js';

/** What the page needs from other domains (wired in boot/pages.ts). */
export interface ResponsePageDeps {
  response(id: mongoose.Types.ObjectId): Promise<ResponseDoc | null>;
  survey(id: mongoose.Types.ObjectId): Promise<SurveyDetail | undefined>;
  contact(id: mongoose.Types.ObjectId): Promise<{ name?: string | undefined; email: string } | null>;
  caseIdOf(responseId: mongoose.Types.ObjectId): Promise<string | undefined>;
}

/** One answer on its own page: where chat messages and reports link to. */
export function responsePageRouter(deps: ResponsePageDeps): Router {
  const router = Router();
  router.get('/responses/:id', requireRole('viewer'), async (req, res) => {
    const id = req.params.id as string;
    const doc = mongoose.isValidObjectId(id) ? await deps.response(new mongoose.Types.ObjectId(id)) : null;
    if (!doc)
      throw new NotFoundError(
        'That answer does not exist (it may have been deleted with its contact).',
        'RESPONSE_NOT_FOUND',
      );
    const [survey, contact, caseId] = await Promise.all([
      deps.survey(doc.surveyId),
      doc.contactId ? deps.contact(doc.contactId) : null,
      deps.caseIdOf(doc._id),
    ]);
    const type = survey?.type ?? 'nps';
    res.render('responses/show', {
      title: `Answer ${doc.score}/${SCALES[type].max}`,
      surveyId: String(doc.surveyId),
      surveyName: survey?.name,
      score: doc.score,
      scaleMax: SCALES[type].max,
      category: bandWord(type, doc.category),
      answers: answerRows(survey?.extraQuestions ?? [], doc.answers, survey?.language ?? 'en').map(
        ([question, answer]) => ({
          question,
          answer,
        }),
      ),
      repurchase: doc.repurchase ? REPURCHASE_LABELS[doc.repurchase] : undefined,
      comment: doc.comment,
      submittedAt: doc.submittedAt,
      channel: doc.channel,
      counted: isCounted(doc.review),
      review: doc.review,
      contactId: doc.contactId ? String(doc.contactId) : undefined,
      contact,
      caseId,
    });
  });
  return router;
}
