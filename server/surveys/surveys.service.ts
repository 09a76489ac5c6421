import { randomBytes } from 'node:crypto';

import { ConflictError, ValidationError } from '../lib/errors.js';
import { SCALES, type SurveyType } from '../vocabulary/scales.js';
import {
  extraQuestionsInputSchema,
  questionEditProblem,
  questionsFromInput,
  type ExtraQuestionInput,
} from './extra-questions.js';
import { surveyDetailOf, surveySummaryOf, type SurveyDetail, type SurveySummary } from './survey-detail.js';
import { surveyIdOf, surveyNotFound } from './survey-id.js';
import { actionVerb, type StatusAction } from './survey-status.js';
import type { SurveyStatus } from './survey.model.js';
import type { SurveyStore } from './survey.store.js';
import { messages } from './surveys.messages.js';
import type { SurveyInput, SurveySettings } from './surveys.schemas.js';

/** Surveys as managers see them: create, read, change settings and status, the web link. */
export class SurveysService {
  constructor(
    private readonly store: SurveyStore,
    /** Which of a survey's additional questions have answers (the responses domain reads them). */
    private readonly answeredQuestions: (surveyId: SurveyDetail['id']) => Promise<Set<string>> = () =>
      Promise.resolve(new Set()),
  ) {}

  /** Issue 17's migration: surveys from before survey types are NPS surveys. */
  setMissingTypes(): Promise<number> {
    return this.store.setMissingTypes();
  }

  /** Every survey, newest first (figures come from the results service). */
  async list(): Promise<SurveySummary[]> {
    return (await this.store.list()).map(surveySummaryOf);
  }

  /** Every survey with all its settings, newest first (one query; for the API). */
  async listDetails(): Promise<SurveyDetail[]> {
    return (await this.store.list()).map(surveyDetailOf);
  }

  /** Creates a draft with the standard wording of its type; questions given are checked before anything is stored. */
  async create(
    input: SurveyInput & {
      type?: SurveyType | undefined;
      language?: SurveyDetail['language'] | undefined;
      questions?: readonly ExtraQuestionInput[] | undefined;
    },
    ownerId?: string,
  ): Promise<{ id: string; name: string }> {
    const built = input.questions
      ? questionsFromInput(input.questions, {
          type: input.type ?? 'nps',
          language: input.language ?? 'en',
          existing: [],
          idsGiven: true,
        })
      : undefined;
    if (built && 'problem' in built) throw new ValidationError(built.problem);
    const doc = await this.store.create(input, ownerId);
    if (built) await this.store.saveQuestions(doc._id, built.questions, 0);
    return { id: String(doc._id), name: doc.name };
  }

  /**
   * Replaces the additional questions (all of them, in order). Refused with a message: more than
   * five shown, wording missing in the survey's language, a condition off the scale, or a change a
   * question with answers cannot take (extra-questions.ts questionEditProblem: archive it instead).
   */
  async setQuestions(id: string, input: readonly ExtraQuestionInput[]): Promise<SurveyDetail> {
    const _id = surveyIdOf(id);
    const doc = await this.store.findById(_id);
    if (!doc) throw surveyNotFound();
    if (doc.status === 'closed') throw new ConflictError(messages.closed, 'SURVEY_CLOSED');
    const survey = surveyDetailOf(doc);
    // The API has parsed its body with this schema already; the questions page's form is checked here.
    const parsed = extraQuestionsInputSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError(questionIssue(parsed.error));
    const built = questionsFromInput(parsed.data, {
      type: survey.type,
      language: survey.language,
      existing: survey.extraQuestions,
    });
    if ('problem' in built) throw new ValidationError(built.problem);
    const problem = questionEditProblem(
      survey.extraQuestions,
      built.questions,
      await this.answeredQuestions(survey.id),
    );
    if (problem) throw new ConflictError(problem, 'QUESTION_HAS_ANSWERS');
    if (!(await this.store.saveQuestions(_id, built.questions, doc.questionsVersion ?? 0)))
      throw new ConflictError(messages.questionsChanged, 'QUESTIONS_CHANGED');
    return { ...survey, extraQuestions: built.questions };
  }

  async get(id: string): Promise<SurveyDetail> {
    const doc = await this.store.findById(surveyIdOf(id));
    if (!doc) throw surveyNotFound();
    return surveyDetailOf(doc);
  }

  /** Saves every setting at once. A closed survey can no longer be edited. */
  async update(id: string, input: SurveySettings): Promise<void> {
    const _id = surveyIdOf(id);
    const stored = await this.store.findById(_id);
    const { min, max } = SCALES[stored?.type ?? 'nps'];
    // Checked when it changes: a survey made before its type was set keeps what it had.
    const changed = input.followUpMaxScore !== (stored?.followUpRule?.maxScore ?? input.followUpMaxScore);
    if (changed && (input.followUpMaxScore < min || input.followUpMaxScore > max))
      throw new ValidationError(messages.followUpOffScale(min, max), {
        followUpMaxScore: messages.followUpOffScale(min, max),
      });
    const saved = await this.store.saveSettings(_id, {
      askRepurchase: input.askRepurchase,
      askReason: input.askReason,
      name: input.name,
      companyName: input.companyName,
      questions: {
        recommend: input.recommendQuestion,
        repurchase: input.repurchaseQuestion,
        reason: input.reasonQuestion,
      },
      senderName: input.senderName,
      replyTo: input.replyTo,
      emailSubject: input.emailSubject,
      emailIntro: input.emailIntro,
      language: input.language,
      reminder: { enabled: input.reminderEnabled, afterDays: input.reminderAfterDays },
      followUpRule: { maxScore: input.followUpMaxScore, wouldNot: input.followUpWouldNot },
    });
    if (saved) return;
    if (await this.store.exists(_id)) throw new ConflictError(messages.closed, 'SURVEY_CLOSED');
    throw surveyNotFound();
  }

  /**
   * Turns the anonymous web link on (a new random id: 128 bits, so links cannot be guessed) or off.
   * Turning it off and on again gives a new address; the old one stops working.
   */
  async setWebLink(id: string, on: boolean): Promise<string | undefined> {
    const webLinkId = on ? randomBytes(16).toString('base64url') : undefined;
    if (!(await this.store.setWebLink(surveyIdOf(id), webLinkId))) throw surveyNotFound();
    return webLinkId;
  }

  /**
   * Moves the survey to a new status in one atomic update whose filter names the allowed previous
   * statuses, so two managers clicking at once cannot, say, resume a survey the other just closed.
   */
  async changeStatus(id: string, action: StatusAction): Promise<SurveyStatus> {
    const _id = surveyIdOf(id);
    const updated = await this.store.transition(_id, action);
    if (updated) return updated.status;
    const current = await this.store.statusOf(_id);
    if (!current) throw surveyNotFound();
    throw new ConflictError(messages.invalidStatusChange(current, actionVerb(action)), 'INVALID_STATUS_CHANGE');
  }
}

/** The first problem Zod found in a list of questions, naming the question ("Question 2: ..."). */
function questionIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  const at = typeof issue?.path[0] === 'number' ? `Question ${issue.path[0] + 1}: ` : '';
  return `${at}${issue?.message ?? 'The questions cannot be saved.'}`;
}
