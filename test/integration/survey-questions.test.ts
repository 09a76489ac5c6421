import { expect } from 'chai';

import { formToken, signedInAs } from '../helpers/agent.js';
import { apiHelpers } from '../helpers/api.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { FIVE_QUESTIONS } from '../helpers/questions.js';
import { respondHelpers } from '../helpers/respond.js';

describe('editing a survey’s additional questions (issue 17)', () => {
  const ctx = useTestContext();
  const { api, keys } = apiHelpers(ctx);
  const { invited, answer } = respondHelpers(ctx);

  it('creates a CSAT survey from the form with its standard question and a follow-up rule for the bottom band', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, '/surveys/new');
    const res = await agent
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: 'Support CSAT', companyName: 'Acme', type: 'csat' })
      .expect(303);
    const survey = await ctx.models.surveys.findOne({ name: 'Support CSAT' }).lean();
    expect(res.headers.location).to.equal(`/surveys/${String(survey!._id)}/edit`);
    expect(survey!.type).to.equal('csat');
    expect(survey!.questions!.recommend).to.equal('How satisfied were you with {company}?');
    expect(survey!.followUpRule!.maxScore).to.equal(2);
    const bad = await agent
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: 'X', companyName: 'Y', type: 'nope' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('Choose the kind of first question.');
    // A follow-up threshold off the scale is refused with the scale named.
    const edit = await formToken(agent, `/surveys/${String(survey!._id)}/edit`);
    const off = await agent
      .post(`/surveys/${String(survey!._id)}`)
      .type('form')
      .send({ _csrf: edit, name: 'Support CSAT', companyName: 'Acme', followUpMaxScore: '6' });
    expect(off.status).to.equal(400);
    expect(off.text).to.contain('Choose a score from 1 to 5: this survey&#x27;s scale.');
  });

  it('adds, changes, archives and orders questions on the page, and refuses to remove or re-option an answered one', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'csat' });
    const id = String(survey._id);
    const agent = await signedInAs(ctx, 'manager');
    let token = await formToken(agent, `/surveys/${id}/questions`);
    await agent
      .post(`/surveys/${id}/questions`)
      .type('form')
      .send({
        _csrf: token,
        kind: 'single',
        text_en: 'Which product?',
        options_en: 'Bike\nHelmet',
        options_de: 'Fahrrad\nHelm',
        required: 'on',
        showFrom: '1',
        showTo: '2',
      })
      .expect(303);
    await agent
      .post(`/surveys/${id}/questions`)
      .type('form')
      .send({ _csrf: token, kind: 'rating', text_en: 'Rate the agent' })
      .expect(303);
    let stored = (await ctx.models.surveys.findById(survey._id).lean())!.extraQuestions;
    expect(
      stored.map((q) => [
        q.id,
        q.kind,
        q.text?.en,
        q.options.map((o) => [o.id, o.text?.en, o.text?.de]),
        q.required,
        q.showIf,
      ]),
    ).to.deep.equal([
      [
        'q1',
        'single',
        'Which product?',
        [
          ['o1', 'Bike', 'Fahrrad'],
          ['o2', 'Helmet', 'Helm'],
        ],
        true,
        { from: 1, to: 2 },
      ],
      ['q2', 'rating', 'Rate the agent', [], false, undefined],
    ]);
    // A condition off the scale, a choice with one answer, and no wording: each refused with a message.
    for (const [fields, message] of [
      [{ kind: 'single', text_en: 'X?', options_en: 'Only' }, 'A choice question needs at least 2 answers.'],
      [
        { kind: 'text', text_en: 'X?', showFrom: '0', showTo: '6' },
        'the condition must lie within the survey&#x27;s scale, 1 to 5',
      ],
      [{ kind: 'text', text_de: 'Nur Deutsch?' }, 'enter its wording in en'],
      [{ kind: 'text', text_en: 'X?', showFrom: '1' }, 'Give both scores of the condition, or neither.'],
    ] as const) {
      const res = await agent
        .post(`/surveys/${id}/questions`)
        .type('form')
        .send({ _csrf: token, ...fields });
      expect(res.status, message).to.equal(400);
      expect(res.text).to.contain(message);
    }
    // Someone answers q1.
    const fresh = await ctx.models.surveys.findById(survey._id);
    const { token: link } = await invited({ survey: fresh! });
    expect((await answer(link, { score: '2', q_q1: 'o2' }, { link: '2' })).status).to.equal(303);
    token = await formToken(agent, `/surveys/${id}/questions`);
    const removed = await agent
      .post(`/surveys/${id}/questions/q1/action`)
      .type('form')
      .send({ _csrf: token, action: 'remove' });
    expect(removed.status).to.equal(303);
    const after = await agent.get(`/surveys/${id}/questions`);
    expect(after.text).to.contain('“Which product?” has answers, so it cannot be removed: archive it instead');
    const reoptioned = await agent
      .post(`/surveys/${id}/questions/q1`)
      .type('form')
      .send({ _csrf: token, text_en: 'Which product did you buy?', options_en: 'Bike\nLock', required: 'on' });
    expect(reoptioned.status).to.equal(409);
    expect(reoptioned.text).to.contain('its answers to choose from cannot change: archive it and add a new question');
    // Rewording keeps the options; archiving hides it from new respondents; the unanswered q2 can go.
    await agent
      .post(`/surveys/${id}/questions/q1`)
      .type('form')
      .send({
        _csrf: token,
        text_en: 'Which product did you buy?',
        options_en: 'Bike\nHelmet',
        options_de: 'Fahrrad\nHelm',
      })
      .expect(303);
    await agent
      .post(`/surveys/${id}/questions/q2/action`)
      .type('form')
      .send({ _csrf: token, action: 'up' })
      .expect(303);
    await agent
      .post(`/surveys/${id}/questions/q1/action`)
      .type('form')
      .send({ _csrf: token, action: 'archive' })
      .expect(303);
    stored = (await ctx.models.surveys.findById(survey._id).lean())!.extraQuestions;
    expect(stored.map((q) => [q.id, q.text?.en, q.archived, q.required])).to.deep.equal([
      ['q2', 'Rate the agent', false, false],
      ['q1', 'Which product did you buy?', true, false],
    ]);
    await agent
      .post(`/surveys/${id}/questions/q2/action`)
      .type('form')
      .send({ _csrf: token, action: 'remove' })
      .expect(303);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.extraQuestions.map((q) => q.id)).to.deep.equal([
      'q1',
    ]);
    // The archived question is still in the results.
    await ctx.services.aggregates.rebuild(survey._id);
    const results = await agent.get(`/surveys/${id}/results?range=all`).expect(200);
    expect(results.text).to.contain('Which product did you buy?');
    expect(results.text).to.contain('archived');
  });

  it('lets viewers not reach the questions page, and refuses a sixth shown question', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', type: 'csat', extraQuestions: FIVE_QUESTIONS });
    const viewer = await signedInAs(ctx, 'viewer');
    await viewer.get(`/surveys/${String(survey._id)}/questions`).expect(403);
    const { write } = await keys();
    const res = await api('patch', `/surveys/${String(survey._id)}`, write).send({
      questions: [...FIVE_QUESTIONS, { kind: 'text', text: { en: 'Sixth?' } }],
    });
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.contain('at most 5 additional questions; archive one first');
  });

  it('takes and returns the questions in the API, and two saves from the same version cannot both win', async () => {
    const { write, read } = await keys();
    const created = await api('post', '/surveys', write).send({
      name: 'Effort',
      companyName: 'Acme',
      type: 'ces',
      questions: [FIVE_QUESTIONS[0], FIVE_QUESTIONS[3]],
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.data.type).to.equal('ces');
    expect(created.body.data.recommendQuestion).to.equal('{company} made it easy for me to handle my issue.');
    expect(created.body.data.questions.map((q: { id: string; kind: string }) => [q.id, q.kind])).to.deep.equal([
      ['q1', 'single'],
      ['q4', 'text'],
    ]);
    const got = await api('get', `/surveys/${created.body.data.id as string}`, read).expect(200);
    expect(got.body.data.questions[0].options.map((o: { id: string }) => o.id)).to.deep.equal(['o1', 'o2', 'o3']);
    const badType = await api('post', '/surveys', write).send({ name: 'X', companyName: 'Y', type: 'likert' });
    expect(badType.status).to.equal(400);
    expect(await ctx.models.surveys.countDocuments({ name: 'X' })).to.equal(0);
    const badQuestion = await api('post', '/surveys', write).send({
      name: 'X',
      companyName: 'Y',
      questions: [{ kind: 'single', text: { en: 'One?' }, options: [{ text: { en: 'Only' } }] }],
    });
    expect(badQuestion.status).to.equal(400);
    expect(await ctx.models.surveys.countDocuments({ name: 'X' })).to.equal(0);
    // Two admins save from the same version at once: one wins, the other is told to reload.
    const sid = created.body.data.id as string;
    const list = got.body.data.questions as unknown[];
    const outcomes = await Promise.all([
      ctx.services.surveys
        .setQuestions(sid, [
          ...(list as never[]),
          { kind: 'text', text: { en: 'A?' }, options: [], required: false, archived: false },
        ])
        .then(
          () => 'ok',
          (e: Error) => e.message,
        ),
      ctx.services.surveys
        .setQuestions(sid, [
          ...(list as never[]),
          { kind: 'text', text: { en: 'B?' }, options: [], required: false, archived: false },
        ])
        .then(
          () => 'ok',
          (e: Error) => e.message,
        ),
    ]);
    expect(outcomes.filter((o) => o === 'ok')).to.have.length(1);
    expect(outcomes.find((o) => o !== 'ok')).to.contain('Someone else changed the questions meanwhile');
    expect((await ctx.models.surveys.findById(sid).lean())!.extraQuestions).to.have.length(3);
  });

  it('shows each type’s own first question and scale in the email preview and the test send', async () => {
    const agent = await signedInAs(ctx, 'manager');
    for (const [type, subject, points] of [
      ['ces', '[Test] Acme made it easy for me to handle my issue.', 7],
      ['stars', '[Test] How would you rate Acme?', 5],
    ] as const) {
      const token = await formToken(agent, '/surveys/new');
      await agent
        .post('/surveys')
        .type('form')
        .send({ _csrf: token, name: `S ${type}`, companyName: 'Acme', type });
      const survey = (await ctx.models.surveys.findOne({ name: `S ${type}` }).lean())!;
      const html = (await agent.get(`/surveys/${String(survey._id)}/preview/email`).expect(200)).text;
      expect(new Set([...html.matchAll(/\/r\/[^/"]+\/(\d+)"/g)].map((m) => m[1])).size).to.equal(points);
      const csrf = await formToken(agent, `/surveys/${String(survey._id)}/preview`);
      await agent
        .post(`/surveys/${String(survey._id)}/test-send`)
        .type('form')
        .send({ _csrf: csrf })
        .expect(303);
      const sent = await ctx.models.outboxMessages.findOne({ subject }).lean();
      expect(sent, subject).to.not.equal(null);
      expect(sent!.text).to.contain(`${points}: `);
    }
  });
});
