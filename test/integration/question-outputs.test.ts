import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import request from 'supertest';

import { signedInAs, utf8Text } from '../helpers/agent.js';
import { apiHelpers } from '../helpers/api.js';
import { addDestination, chatServer } from '../helpers/chat-server.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { FIVE_QUESTIONS } from '../helpers/questions.js';
import { respondHelpers } from '../helpers/respond.js';

describe('additional questions in the export, the API, chat and follow-ups (issue 17)', () => {
  const ctx = useTestContext({ OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true' });
  const { invited, answer } = respondHelpers(ctx);
  const { keys, api } = apiHelpers(ctx);

  /** A CSAT survey with the five questions, one formula-like option, and an answer through the real form. */
  async function answered() {
    const questions = FIVE_QUESTIONS.map((q) =>
      q.id === 'q2' ? { ...q, options: [...q.options, { id: 'o4', text: { en: '=cmd|calc', de: '=cmd|calc' } }] } : q,
    );
    const survey = await makeSurvey(ctx, {
      status: 'active',
      type: 'csat',
      name: 'Support CSAT',
      companyName: 'Acme',
      extraQuestions: questions,
      followUpRule: { maxScore: 2 },
    });
    const { token } = await invited({ survey });
    const res = await answer(token, {
      score: '2',
      q_q1: 'o2',
      q_q2: ['o1', 'o4'] as never,
      q_q3: '3',
      q_q4: '+SUM(A1:A9) was slow',
      comment: 'Late',
    });
    expect(res.status).to.equal(303);
    return survey;
  }

  it('exports one column per question, multiple choice joined by "; ", formulas kept as text', async () => {
    const survey = await answered();
    const viewer = await signedInAs(ctx, 'viewer');
    const res = await viewer
      .get(`/surveys/${String(survey._id)}/results/export.csv?range=all`)
      .buffer(true)
      .parse(utf8Text)
      .expect(200);
    const rows: Record<string, string>[] = parse(res.body as string, { columns: true });
    expect(Object.keys(rows[0]!)).to.include.members([
      'q1: Which product did you buy?',
      'q2: What went wrong?',
      'q3: Rate your support agent',
      'q4: Anything else?',
      'q5: Would you order online again?',
    ]);
    expect(rows[0]).to.include({
      score: '2',
      category: 'detractor',
      'q1: Which product did you buy?': 'Helmet',
      'q2: What went wrong?': "Late delivery; '=cmd|calc",
      'q3: Rate your support agent': '3',
      'q4: Anything else?': "'+SUM(A1:A9) was slow",
      'q5: Would you order online again?': '',
    });
  });

  it('returns the answers in the API and in webhooks, and opens a follow-up case for a CSAT of 2', async () => {
    const receiver = await chatServer();
    const survey = await answered();
    await ctx.services.webhooks.register({
      surveyId: String(survey._id),
      url: `${receiver.base}/hook`,
      events: ['response.updated'],
    });
    const { read } = await keys();
    const list = await api('get', `/surveys/${String(survey._id)}/responses`, read).expect(200);
    expect(list.body.data[0].answers).to.deep.equal([
      { question: 'q1', choices: ['o2'] },
      { question: 'q2', choices: ['o1', 'o4'] },
      { question: 'q3', rating: 3 },
      { question: 'q4', text: '+SUM(A1:A9) was slow' },
    ]);
    expect(list.body.data[0].category).to.equal('detractor');
    const spec = await request(ctx.app).get('/api/openapi.json').expect(200);
    expect(JSON.stringify(spec.body)).to.contain('The additional questions, all of them in order');
    expect(await ctx.models.followUps.countDocuments({ surveyId: survey._id })).to.equal(1);
    // The customer changes an answer: the webhook carries the new answers.
    const { token } = await invited({ survey: (await ctx.models.surveys.findById(survey._id))! });
    await answer(token, { score: '4', q_q1: 'o1' });
    await answer(token, { score: '4', q_q1: 'o3', q_q3: '5' });
    try {
      await ctx.services.webhooks.deliverDue();
      const hook = receiver.on('/hook');
      expect(hook).to.have.length(1);
      expect((hook[0]!.body.data as { answers: unknown }).answers).to.deep.equal([
        { question: 'q1', choices: ['o3'] },
        { question: 'q3', rating: 5 },
      ]);
    } finally {
      receiver.server.closeAllConnections();
      receiver.server.close();
    }
  });

  it('carries the answers in chat messages, with the score on the survey’s own scale', async () => {
    const chat = await chatServer();
    try {
      const survey = await makeSurvey(ctx, { status: 'active', type: 'csat', extraQuestions: FIVE_QUESTIONS });
      const admin = await signedInAs(ctx, 'admin');
      await addDestination(admin, String(survey._id), {
        kind: 'slack',
        name: '#cs',
        url: `${chat.base}/s`,
        when: 'detractors',
      });
      const { token } = await invited({ survey });
      await answer(token, { score: '1', q_q1: 'o1', q_q2: 'o2' });
      const { token: happy } = await invited({ survey });
      await answer(happy, { score: '5', q_q1: 'o3' });
      expect(await ctx.services.chat.deliverDue()).to.equal(1);
      const text = JSON.stringify(chat.on('/s')[0]!.body);
      expect(text).to.contain('Dissatisfied (1/5)');
      expect(text).to.contain('*Which product did you buy?*\\nBike');
      expect(text).to.contain('*What went wrong?*\\nDamaged');
    } finally {
      chat.server.closeAllConnections();
      chat.server.close();
    }
  });
});
