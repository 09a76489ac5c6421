import { Router, type Request, type Response } from 'express';

import { ConflictError, ValidationError } from '../lib/errors.js';
import { SCALES } from '../vocabulary/scales.js';
import { requireRole } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import {
  EXTRA_QUESTION_KINDS,
  KIND_LABELS,
  MAX_EXTRA_QUESTIONS,
  textIn,
  type ExtraQuestion,
  type ExtraQuestionInput,
} from './extra-questions.js';
import { formOf, inputOf, questionActionSchema, questionFormSchema, questionFromForm } from './questions.schemas.js';
import type { SurveyDetail } from './survey-detail.js';
import { messages } from './surveys.messages.js';
import type { SurveysService } from './surveys.service.js';

/**
 * The survey's additional questions page (managers): add a question, change one, archive or restore
 * it, remove one nobody answered, change the order. Every change saves the whole list through
 * SurveysService.setQuestions, so the page and the API keep the same rules.
 */
export function questionsRouter(deps: { surveys: SurveysService }): Router {
  const router = Router();
  const { surveys } = deps;

  router.get('/surveys/:id/questions', requireRole('manager'), async (req, res) => {
    render(res, await surveys.get(req.params.id as string));
  });

  router.post('/surveys/:id/questions', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    await save(req, res, survey, undefined, (form) => [...survey.extraQuestions.map(inputOf), form]);
  });

  router.post('/surveys/:id/questions/:qid', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const existing = survey.extraQuestions.find((q) => q.id === req.params.qid);
    if (!existing) return gone(req, res, survey);
    await save(req, res, survey, existing, (form) =>
      survey.extraQuestions.map((q) => (q.id === existing.id ? form : inputOf(q))),
    );
  });

  router.post('/surveys/:id/questions/:qid/action', requireRole('manager'), async (req, res) => {
    const survey = await surveys.get(req.params.id as string);
    const { action } = parseInput(questionActionSchema, req.body);
    const list = survey.extraQuestions.map(inputOf);
    const at = list.findIndex((q) => q.id === req.params.qid);
    if (at < 0) return gone(req, res, survey);
    if (action === 'archive' || action === 'restore') list[at] = { ...list[at]!, archived: action === 'archive' };
    else if (action === 'remove') list.splice(at, 1);
    else {
      const to = action === 'up' ? at - 1 : at + 1;
      if (to >= 0 && to < list.length) [list[at], list[to]] = [list[to]!, list[at]!];
    }
    await apply(surveys, req, res, survey, list);
  });

  /** Parses one question's form, builds the whole list with it and saves it; the form again with messages when refused. */
  async function save(
    req: Request,
    res: Response,
    survey: SurveyDetail,
    existing: ExtraQuestion | undefined,
    listWith: (form: ExtraQuestionInput) => ExtraQuestionInput[],
  ) {
    try {
      const form = parseInput(questionFormSchema, req.body);
      if (existing) form.kind = existing.kind;
      await surveys.setQuestions(survey.id, listWith(questionFromForm(form, survey.language, existing)));
      flash(req, 'success', messages.questionsSaved);
      res.redirect(303, `/surveys/${survey.id}/questions`);
    } catch (err) {
      if (err instanceof ConflictError && err.code !== 'QUESTIONS_CHANGED') {
        return render(res, survey, {
          status: 409,
          formError: err.message,
          editing: existing?.id,
          values: typedValues(req.body),
        });
      }
      if (err instanceof ConflictError) {
        flash(req, 'error', err.message);
        return res.redirect(303, `/surveys/${survey.id}/questions`);
      }
      if (err instanceof ValidationError && Object.keys(err.fields).length === 0)
        return render(res, survey, {
          status: 400,
          formError: err.message,
          editing: existing?.id,
          values: typedValues(req.body),
        });
      renderInvalid(res, 'surveys/questions', err, {
        ...pageOf(survey),
        editing: existing?.id,
        values: typedValues(req.body),
      });
    }
  }

  return router;
}

/** Saves a whole list from an action button; what is refused is told in a flash. */
async function apply(
  surveys: SurveysService,
  req: Request,
  res: Response,
  survey: SurveyDetail,
  list: ExtraQuestionInput[],
) {
  try {
    await surveys.setQuestions(survey.id, list);
    flash(req, 'success', messages.questionsSaved);
  } catch (err) {
    if (!(err instanceof ConflictError) && !(err instanceof ValidationError)) throw err;
    flash(req, 'error', err.message);
  }
  res.redirect(303, `/surveys/${survey.id}/questions`);
}

function gone(req: Request, res: Response, survey: SurveyDetail): void {
  flash(req, 'error', 'That question is no longer in this survey. The list below is the current one.');
  res.redirect(303, `/surveys/${survey.id}/questions`);
}

/** Everything the page shows: each question with its form values, and the empty form for a new one. */
function pageOf(survey: SurveyDetail) {
  const shown = survey.extraQuestions.filter((q) => !q.archived).length;
  const { min, max } = SCALES[survey.type];
  return {
    title: `Questions: ${survey.name}`,
    survey,
    scaleText: `${min} to ${max}`,
    scaleLabel: SCALES[survey.type].label,
    canAdd: shown < MAX_EXTRA_QUESTIONS && survey.status !== 'closed',
    max: MAX_EXTRA_QUESTIONS,
    kindOptions: EXTRA_QUESTION_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })),
    questions: survey.extraQuestions.map((q, i, all) => ({
      ...q,
      label: textIn(q.text, survey.language, survey.language),
      kindLabel: KIND_LABELS[q.kind],
      choice: q.kind === 'single' || q.kind === 'multiple',
      form: formOf(q),
      first: i === 0,
      last: i === all.length - 1,
    })),
  };
}

function render(
  res: Response,
  survey: SurveyDetail,
  extra: { status?: number; formError?: string; editing?: string | undefined; values?: unknown } = {},
) {
  res
    .status(extra.status ?? 200)
    .render('surveys/questions', { ...pageOf(survey), ...extra, values: extra.values ?? {} });
}
