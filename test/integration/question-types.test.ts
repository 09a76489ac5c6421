import { expect } from 'chai';
import request from 'supertest';

import { renderSurveyEmail } from '../../server/sending/survey-email.js';
import { surveyDetailOf } from '../../server/surveys/survey-detail.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { FIVE_QUESTIONS } from '../helpers/questions.js';
import { respondHelpers, stampOf } from '../helpers/respond.js';

/** An object with its keys in order, so two equal counts print alike. */
const sorted = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

describe('survey types and additional questions on the respondent’s side (issue 17)', () => {
  const ctx = useTestContext();
  const { invited, answer } = respondHelpers(ctx);

  async function csatSurvey(fields: Record<string, unknown> = {}) {
    return makeSurvey(ctx, {
      status: 'active',
      companyName: 'Acme Bikes',
      type: 'csat',
      questions: {
        recommend: 'How satisfied were you with {company}?',
        repurchase: 'Would you buy from {company} again?',
        reason: 'What is the main reason for your score?',
      },
      extraQuestions: FIVE_QUESTIONS,
      ...fields,
    });
  }

  for (const [type, points] of [
    ['nps', [0, 10]],
    ['csat', [1, 5]],
    ['ces', [1, 7]],
    ['stars', [1, 5]],
  ] as const) {
    it(`puts one link per point of the ${type} scale in the email, each opening the page with it chosen and nothing saved`, async () => {
      const survey = await makeSurvey(ctx, { status: 'active', companyName: 'Acme Bikes', type });
      const { token, invitation } = await invited({ survey });
      const email = renderSurveyEmail({
        survey: surveyDetailOf(survey.toObject()),
        contact: { email: 'a@example.com', name: 'A', locale: '' },
        token,
        invitationId: String(invitation._id),
        baseUrl: ctx.config.baseUrl,
        mailFrom: ctx.config.mailFrom,
      });
      const scoreLinks = [
        ...new Set([...email.html.matchAll(/href="[^"]*\/r\/[^/"]+\/(\d+)"/g)].map((m) => Number(m[1]))),
      ];
      const expected = Array.from({ length: points[1] - points[0] + 1 }, (_, i) => points[0] + i);
      expect(scoreLinks).to.deep.equal(expected);
      expect(email.text).to.contain(`${points[1]}: ${ctx.config.baseUrl}/r/${token}/${points[1]}`);
      // Scanners fetch every link: nothing is written.
      for (const score of expected) await request(ctx.app).get(`/r/${token}/${score}`).expect(200);
      await request(ctx.app).head(`/r/${token}/${points[1]}`).expect(200);
      expect(await ctx.models.responses.countDocuments({})).to.equal(0);
      const page = await request(ctx.app).get(`/r/${token}/${points[1]}`).expect(200);
      expect(page.text.match(/name="score" value="\d+"/g)).to.have.length(expected.length);
      expect(page.text).to.match(new RegExp(`name="score" value="${points[1]}" checked`));
      // A point off this scale is refused with the scale's own range.
      if (type !== 'nps') {
        const off = await request(ctx.app)
          .get(`/r/${token}/${points[1] + 1}`)
          .expect(400);
        expect(off.text).to.contain(`${points[0]}`);
        expect(off.text).not.to.match(/name="score" value="\d+" checked/);
      }
    });
  }

  it('shows every additional question, with the condition in words, and stores the answers', async () => {
    const survey = await csatSurvey();
    const { token } = await invited({ survey });
    const page = await request(ctx.app).get(`/r/${token}/2`).expect(200);
    expect(page.text).to.contain('How satisfied were you with Acme Bikes?');
    for (const q of FIVE_QUESTIONS) expect(page.text).to.contain(q.text.en);
    expect(page.text).to.contain('Only if your answer above is 1 to 2.');
    expect(page.text).to.contain('respond-questions.js');
    const res = await answer(token, {
      score: '2',
      q_q1: 'o2',
      q_q2: ['o1', 'o3'] as never,
      q_q3: '4',
      q_q4: 'Slow',
      comment: 'Meh',
    });
    expect(res.status).to.equal(303);
    const stored = await ctx.models.responses.findOne({}).lean();
    expect(stored!.category).to.equal('detractor');
    expect(stored!.answers).to.deep.equal([
      { q: 'q1', choices: ['o2'] },
      { q: 'q2', choices: ['o1', 'o3'] },
      { q: 'q3', rating: 4 },
      { q: 'q4', text: 'Slow' },
    ]);
    // The counts kept as the answer arrived are the ones a rebuild from the responses gives.
    const days = async () =>
      (await ctx.models.responseDays.find({ surveyId: survey._id }).lean())
        .map(
          (d) =>
            `${d.key}=${d.value}:${JSON.stringify(d.c)}${JSON.stringify(sorted((d as { a?: Record<string, number> }).a ?? {}))}`,
        )
        .sort();
    const live = await days();
    expect(live).to.include.members([
      '$q:q1=o2:{"2|":1}{}',
      '$q:q1=*:{"2|":1}{}',
      '$q:q2=o1:{"2|":1}{}',
      '$q:q3=4:{"2|":1}{}',
      // The overall and per-property documents carry the answers' totals.
      '=:{"2|":1}{"q1=*":1,"q1=o2":1,"q2=*":1,"q2=o1":1,"q2=o3":1,"q3=4":1}',
      'plan=Pro:{"2|":1}{"q1=*":1,"q1=o2":1,"q2=*":1,"q2=o1":1,"q2=o3":1,"q3=4":1}',
    ]);
    await ctx.services.aggregates.rebuild(survey._id);
    expect(await days()).to.deep.equal(live);
  });

  it('refuses a missing required answer, an unknown option and a condition not met, in the customer’s language, writing nothing', async () => {
    const survey = await csatSurvey();
    const { token } = await invited({ survey, locale: 'de-DE' });
    const cases: [Record<string, unknown>, string][] = [
      [{ score: '5' }, 'Bitte beantworten Sie „Welches Produkt haben Sie gekauft?“.'],
      [
        { score: '5', q_q1: 'o9' },
        'Wählen Sie eine der angebotenen Antworten auf „Welches Produkt haben Sie gekauft?“.',
      ],
      [{ score: '5', q_q1: ['o1', 'o2'] }, 'Wählen Sie nur eine Antwort auf „Welches Produkt haben Sie gekauft?“.'],
      [{ score: '5', q_q1: 'o1', q_q2: 'o1' }, '„Was lief schief?“ wird bei der gewählten Bewertung nicht gefragt'],
      [
        { score: '5', q_q1: 'o1', q_q3: '6' },
        'Wählen Sie eine der angebotenen Antworten auf „Bewerten Sie den Support“.',
      ],
      [{ score: '5', q_q1: 'o1', q_q4: 'x'.repeat(501) }, 'länger als 500 Zeichen'],
      [{ score: '9', q_q1: 'o1' }, 'Wählen Sie eine Antwort von 1-5.'],
    ];
    for (const [fields, message] of cases) {
      const res = await answer(token, fields as Record<string, string>, { link: '5' });
      expect(res.status, JSON.stringify(fields)).to.equal(400);
      expect(res.text).to.contain(message);
    }
    expect(await ctx.models.responses.countDocuments({})).to.equal(0);
    // The questions the customer wrote in only one language are shown in it.
    const page = await request(ctx.app).get(`/r/${token}/5`);
    expect(page.text).to.contain('Would you order online again?');
  });

  it('leaves out the repurchase and reason questions when switched off, and hides archived questions', async () => {
    const survey = await csatSurvey({
      askRepurchase: false,
      askReason: false,
      extraQuestions: FIVE_QUESTIONS.map((q) => (q.id === 'q1' ? { ...q, archived: true } : q)),
    });
    const { token } = await invited({ survey });
    const page = await request(ctx.app).get(`/r/${token}/4`).expect(200);
    expect(page.text).not.to.contain('Would you buy from Acme Bikes again?');
    expect(page.text).not.to.contain('name="comment"');
    expect(page.text).not.to.contain('Which product did you buy?');
    const refused = await answer(token, { score: '4', q_q1: 'o1' }, { link: '4' });
    expect(refused.status).to.equal(400);
    const res = await answer(token, { score: '4', repurchase: 'definitely_would', comment: 'ignored' }, { link: '4' });
    expect(res.status).to.equal(303);
    const stored = await ctx.models.responses.findOne({}).lean();
    expect(stored!.repurchase).to.equal(undefined);
    expect(stored!.comment).to.equal('');
  });

  it('opens the form again with the stored answers while the answer may change', async () => {
    const survey = await csatSurvey();
    const { token } = await invited({ survey });
    await answer(token, { score: '1', q_q1: 'o3', q_q2: 'o2', q_q4: 'Broken' });
    const page = await request(ctx.app).get(`/r/${token}`).expect(200);
    expect(page.text).to.match(/name="q_q1" value="o3" checked/);
    expect(page.text).to.match(/name="q_q2" value="o2" checked/);
    expect(page.text).to.contain('value="Broken"');
    ctx.clock.advance(5000);
    const res = await request(ctx.app)
      .post(`/r/${token}`)
      .set('User-Agent', 'Person/1.0')
      .type('form')
      .send({ stamp: stampOf(page.text), score: '5', q_q1: 'o1' });
    expect(res.status).to.equal(303);
    const stored = await ctx.models.responses.findOne({}).lean();
    expect(stored!.score).to.equal(5);
    expect(stored!.category).to.equal('promoter');
    expect(stored!.answers).to.deep.equal([{ q: 'q1', choices: ['o1'] }]);
  });
});
