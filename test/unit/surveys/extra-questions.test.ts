import { expect } from 'chai';

import { readExtraAnswers, scoreProblem } from '../../../server/responses/extra-answers.js';
import {
  extraQuestionsInputSchema,
  isShownFor,
  questionEditProblem,
  questionsFromInput,
  type ExtraQuestion,
} from '../../../server/surveys/extra-questions.js';
import { bandLabel, bandOf } from '../../../server/vocabulary/scales.js';

const choice = (id: string, options: string[], extra: Partial<ExtraQuestion> = {}): ExtraQuestion => ({
  id,
  kind: 'single',
  text: { en: `Question ${id}?` },
  options: options.map((o, i) => ({ id: `o${i + 1}`, text: { en: o } })),
  required: false,
  archived: false,
  ...extra,
});

describe('survey types, additional questions and their answers (pure rules)', () => {
  it('puts each score of each scale in its band', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => bandOf('nps', s))).to.deep.equal([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
    expect([1, 2, 3, 4, 5].map((s) => bandOf('csat', s))).to.deep.equal([
      'detractor',
      'detractor',
      'passive',
      'promoter',
      'promoter',
    ]);
    expect([1, 3, 4, 5, 7].map((s) => bandOf('ces', s))).to.deep.equal([
      'detractor',
      'detractor',
      'passive',
      'promoter',
      'promoter',
    ]);
    expect(() => bandOf('stars', 0)).to.throw(RangeError);
    expect(bandLabel('nps', 'detractor')).to.equal('Detractors (0-6)');
    expect(bandLabel('ces', 'passive')).to.equal('Neutral (4)');
    expect(scoreProblem('csat', 7, 'en')).to.equal('Choose an answer from 1-5.');
    expect(scoreProblem('ces', 7, 'de')).to.equal(undefined);
  });

  it('numbers new questions and options after the highest, keeps given ids, and refuses what a survey cannot hold', () => {
    const existing = [choice('q1', ['A', 'B']), choice('q3', ['C', 'D'])];
    const built = questionsFromInput(
      [
        {
          id: 'q3',
          kind: 'single',
          text: { en: 'Q3?' },
          options: [{ id: 'o1', text: { en: 'C' } }, { id: 'o2', text: { en: 'D' } }, { text: { en: 'E' } }],
          required: false,
          archived: false,
        },
        {
          kind: 'rating',
          text: { en: 'Rate?' },
          options: [],
          required: true,
          showIf: { from: 1, to: 2 },
          archived: false,
        },
      ],
      { type: 'csat', language: 'en', existing },
    );
    expect('questions' in built && built.questions.map((q) => [q.id, q.options.map((o) => o.id)])).to.deep.equal([
      ['q3', ['o1', 'o2', 'o3']],
      ['q4', []],
    ]);
    const ctx = { type: 'csat' as const, language: 'en' as const, existing };
    const base = { kind: 'text' as const, options: [], required: false, archived: false };
    expect(questionsFromInput([{ ...base, id: 'q9', text: { en: 'X' } }], ctx)).to.deep.equal({
      problem: 'Question 1: there is no question q9 in this survey.',
    });
    expect(questionsFromInput([{ ...base, text: { de: 'Nur deutsch' } }], ctx)).to.deep.equal({
      problem: 'Question 1: enter its wording in en.',
    });
    expect(questionsFromInput([{ ...base, text: { en: 'X' }, showIf: { from: 0, to: 6 } }], ctx)).to.deep.equal({
      problem: "Question 1: the condition must lie within the survey's scale, 1 to 5.",
    });
    const six = Array.from({ length: 6 }, () => ({ ...base, text: { en: 'X' } }));
    expect(questionsFromInput(six, ctx)).to.deep.equal({
      problem: 'A survey asks at most 5 additional questions; archive one first.',
    });
    // Archived questions do not count towards the five.
    expect(
      'questions' in questionsFromInput([...six.slice(0, 5), { ...base, text: { en: 'Old' }, archived: true }], ctx),
    ).to.equal(true);
    const parsed = extraQuestionsInputSchema.safeParse([
      { kind: 'multiple', text: { en: 'X' }, options: [{ text: { en: 'only' } }] },
    ]);
    expect(parsed.success).to.equal(false);
    expect(parsed.error?.issues[0]?.message).to.equal('A choice question needs at least 2 answers.');
  });

  it('refuses to remove, change the kind of, or re-option a question with answers, and allows the rest', () => {
    const before = [choice('q1', ['Bike', 'Helmet']), choice('q2', ['Yes', 'No'])];
    const answered = new Set(['q1']);
    expect(questionEditProblem(before, [before[1]!], answered)).to.contain('cannot be removed: archive it instead');
    expect(questionEditProblem(before, [{ ...before[0]!, kind: 'multiple' }, before[1]!], answered)).to.contain(
      'its kind cannot change',
    );
    const relabelled = { ...before[0]!, options: [{ id: 'o1', text: { en: 'Bicycle' } }, before[0]!.options[1]!] };
    expect(questionEditProblem(before, [relabelled, before[1]!], answered)).to.contain(
      'answers to choose from cannot change',
    );
    // Unanswered q2 may go; q1 may be reworded, archived, made required or conditional.
    const reworded = {
      ...before[0]!,
      text: { en: 'What did you buy?' },
      archived: true,
      required: true,
      showIf: { from: 0, to: 6 },
    };
    expect(questionEditProblem(before, [reworded], answered)).to.equal(undefined);
  });

  it('reads answers against the questions, their conditions and kinds, in the respondent’s language', () => {
    const questions: ExtraQuestion[] = [
      choice('q1', ['Bike', 'Helmet'], { required: true }),
      choice('q2', ['Late', 'Broken', 'Wrong'], { kind: 'multiple', showIf: { from: 0, to: 6 } }),
      { id: 'q3', kind: 'rating', text: { en: 'Rate?' }, options: [], required: false, archived: false },
      { id: 'q4', kind: 'text', text: { en: 'More?', de: 'Mehr?' }, options: [], required: false, archived: false },
      choice('q5', ['X', 'Y'], { archived: true }),
    ];
    const read = (given: Record<string, unknown>, score: number, lang: 'en' | 'de' = 'en', partial = false) =>
      readExtraAnswers(questions, (id) => given[id], { score, lang, surveyLanguage: 'en', partial });
    expect(read({ q1: 'o2', q2: ['o3', 'o1'], q3: '5', q4: 'Slow' }, 3)).to.deep.equal({
      answers: [
        { q: 'q1', choices: ['o2'] },
        // In the survey's order, whatever order they came in.
        { q: 'q2', choices: ['o1', 'o3'] },
        { q: 'q3', rating: 5 },
        { q: 'q4', text: 'Slow' },
      ],
      errors: {},
    });
    expect(read({ q1: 'o1', q2: 'o1' }, 9).errors).to.deep.equal({
      q2: '“Question q2?” is not asked for the score you chose; leave it blank or change the score.',
    });
    expect(read({}, 9, 'de').errors).to.deep.equal({ q1: 'Bitte beantworten Sie „Question q1?“.' });
    expect(read({}, 9, 'en', true).errors).to.deep.equal({});
    expect(read({ q1: 'o1', q3: '0', q5: 'o1' }, 9).errors).to.deep.equal({
      q3: 'Choose one of the listed answers to “Rate?”.',
      q5: '“Question q5?” is not asked for the score you chose; leave it blank or change the score.',
    });
    // Blank fields are no answer, not an error.
    expect(read({ q1: 'o1', q2: '', q4: '   ' }, 9).errors).to.deep.equal({});
    expect(isShownFor(questions[1]!, undefined)).to.equal(false);
  });
});
