import { expect } from 'chai';

import { csrfTokenOf, formToken, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

describe('surveys: create, edit, status, list with NPS', () => {
  const ctx = useTestContext();

  const validSettings = {
    name: 'Q1 NPS',
    companyName: 'Acme Bikes',
    language: 'de',
    recommendQuestion: 'Wie wahrscheinlich ist es, dass Sie {company} weiterempfehlen?',
    repurchaseQuestion: 'Würden Sie wieder bei {company} kaufen?',
    reasonQuestion: 'Was ist der wichtigste Grund für Ihre Bewertung?',
    senderName: 'Acme Support',
    replyTo: 'Support@Acme.example',
    emailSubject: 'Eine kurze Frage',
    emailIntro: 'Danke für Ihren Einkauf.',
    reminderAfterDays: '5',
  };

  it('creates a draft with the standard wording, then saves every setting from the edit page', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, '/surveys/new');
    const created = await agent
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: 'Q1 NPS', companyName: 'Acme Bikes' })
      .expect(303);
    const editPath = created.headers.location as string;
    expect(editPath).to.match(/^\/surveys\/[0-9a-f]{24}\/edit$/);
    const edit = await agent.get(editPath).expect(200);
    expect(edit.text).to.contain('How likely are you to recommend {company} to a friend or colleague?');

    const id = editPath.split('/')[2]!;
    await agent
      .post(`/surveys/${id}`)
      .type('form')
      .send({ _csrf: csrfTokenOf(edit.text), ...validSettings })
      .expect(303)
      .expect('location', `/surveys/${id}`);
    const doc = await ctx.models.surveys.findById(id).lean();
    expect(doc).to.deep.include({
      name: 'Q1 NPS',
      companyName: 'Acme Bikes',
      language: 'de',
      senderName: 'Acme Support',
      replyTo: 'support@acme.example',
      emailSubject: 'Eine kurze Frage',
      status: 'draft',
    });
    expect(doc!.questions).to.deep.equal({
      recommend: validSettings.recommendQuestion,
      repurchase: validSettings.repurchaseQuestion,
      reason: validSettings.reasonQuestion,
    });
    // An unticked checkbox sends nothing: the reminder is off.
    expect(doc!.reminder).to.deep.equal({ enabled: false, afterDays: 5 });

    const show = await agent.get(`/surveys/${id}`).expect(200);
    expect(show.text).to.contain('Deutsch');
    expect(show.text).to.contain('no reminder');
  });

  it('shows each bad setting beside its field, keeps the typed values and saves nothing', async () => {
    const survey = await makeSurvey(ctx);
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, `/surveys/${String(survey._id)}/edit`);
    const res = await agent
      .post(`/surveys/${String(survey._id)}`)
      .type('form')
      .send({
        _csrf: token,
        ...validSettings,
        replyTo: 'not an address',
        reminderAfterDays: '0',
        reminderEnabled: 'on',
        recommendQuestion: '',
      })
      .expect(400);
    expect(res.text).to.contain('Please correct the 3 fields marked below.');
    expect(res.text).to.contain('Enter a valid reply-to address, or leave it empty.');
    expect(res.text).to.contain('Enter a number of days from 1 to 30.');
    expect(res.text).to.contain('Enter the recommend question');
    expect(res.text).to.contain('value="not an address"');
    expect(res.text).to.contain('value="Acme Support"');
    expect(res.text).to.match(/id="f-reminderEnabled" name="reminderEnabled" checked/);
    const doc = await ctx.models.surveys.findById(survey._id).lean();
    expect(doc!.name).to.equal('Customer NPS');
  });

  it('moves through draft -> active -> paused -> active -> closed, and a closed survey stays closed', async () => {
    const survey = await makeSurvey(ctx);
    const id = String(survey._id);
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, `/surveys/${id}`);
    const statusAfter = async (action: string) => {
      await agent
        .post(`/surveys/${id}/status`)
        .type('form')
        .send({ _csrf: token, action })
        .expect(303)
        .expect('location', `/surveys/${id}`);
      return (await ctx.models.surveys.findById(id).lean())!.status;
    };
    expect(await statusAfter('resume')).to.equal('draft');
    expect(await statusAfter('activate')).to.equal('active');
    expect(await statusAfter('pause')).to.equal('paused');
    expect(await statusAfter('resume')).to.equal('active');
    expect(await statusAfter('close')).to.equal('closed');
    expect(await statusAfter('activate')).to.equal('closed');
    const page = await agent.get(`/surveys/${id}`).expect(200);
    expect(page.text).to.contain('The survey is closed, so it cannot be activated now.');
    expect(page.text).not.to.contain('>Edit</a>');

    await agent
      .post(`/surveys/${id}`)
      .type('form')
      .send({ _csrf: token, ...validSettings })
      .expect(303);
    expect((await ctx.models.surveys.findById(id).lean())!.name).to.equal('Customer NPS');
  });

  it('applies exactly one of two racing status changes', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const id = String(survey._id);
    const a = await signedInAs(ctx, 'manager');
    const token = await formToken(a, `/surveys/${id}`);
    await Promise.all([
      a.post(`/surveys/${id}/status`).type('form').send({ _csrf: token, action: 'pause' }),
      a.post(`/surveys/${id}/status`).type('form').send({ _csrf: token, action: 'close' }),
    ]);
    expect(['paused', 'closed']).to.include((await ctx.models.surveys.findById(id).lean())!.status);
  });

  it('lists each survey with NPS, margin of error and n, leaving out flagged responses', async () => {
    const survey = await makeSurvey(ctx, { name: 'Worked example' });
    // 60 promoters, 25 passives, 15 detractors -> NPS 45, margin 1.96 x SE = 14.3 (PRODUCT.md)
    await makeResponses(ctx, survey._id, [...repeat(10, 60), ...repeat(8, 25), ...repeat(2, 15)]);
    await makeResponses(ctx, survey._id, repeat(0, 5), { review: 'flagged' });
    await makeResponses(ctx, survey._id, repeat(0, 2), { review: 'discarded' });
    const small = await makeSurvey(ctx, { name: 'Small one' });
    await makeResponses(ctx, small._id, [9, 3]);
    await makeSurvey(ctx, { name: 'Untouched' });

    const agent = await signedInAs(ctx, 'viewer');
    const page = await agent.get('/surveys').expect(200);
    const row = (name: string) =>
      page.text.slice(page.text.indexOf(name), page.text.indexOf('</tr>', page.text.indexOf(name)));
    expect(row('Worked example'))
      .to.contain('+45')
      .and.contain('95% 29.3 to 58.0')
      .and.contain('n = 100')
      .and.not.contain('small sample');
    expect(row('Small one')).to.contain('>0<').and.contain('n = 2').and.contain('small sample');
    expect(row('Untouched')).to.contain('no responses yet');
  });

  it('lets a viewer see a survey but not edit or change it', async () => {
    const survey = await makeSurvey(ctx);
    const agent = await signedInAs(ctx, 'viewer');
    const page = await agent.get(`/surveys/${String(survey._id)}`).expect(200);
    expect(page.text).not.to.contain('Close survey');
    await agent.get(`/surveys/${String(survey._id)}/edit`).expect(403);
    await agent
      .post(`/surveys/${String(survey._id)}/status`)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), action: 'close' })
      .expect(403);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.status).to.equal('draft');
  });

  it('answers 404 for an unknown or malformed survey id', async () => {
    const agent = await signedInAs(ctx, 'viewer');
    const res = await agent.get('/surveys/5f0000000000000000000000').expect(404);
    expect(res.text).to.contain('That survey does not exist');
    await agent.get('/surveys/not-an-id').expect(404);
    await agent.get('/surveys/%7B%22%24gt%22%3A%22%22%7D').expect(404);
  });
});

describe('survey email preview', () => {
  const ctx = useTestContext();

  it('shows the exact email addressed to the manager, with headers and both parts, in each language', async () => {
    const survey = await makeSurvey(ctx, { companyName: 'Acme <Bikes>', emailIntro: 'Hello from {company}.' });
    const agent = await signedInAs(ctx, 'manager');
    const page = await agent.get(`/surveys/${String(survey._id)}/preview`).expect(200);
    expect(page.text).to.contain('How likely are you to recommend Acme &lt;Bikes&gt; to a friend or colleague?');
    expect(page.text).to.contain('manager@example.com');
    expect(page.text).to.contain('List-Unsubscribe-Post');
    expect(page.text).to.contain('/r/preview-preview-preview-preview-preview-pre/10');

    const html = await agent
      .get(`/surveys/${String(survey._id)}/preview/email`)
      .expect(200)
      .expect('content-type', /html/);
    const csp = html.headers['content-security-policy'] as string;
    expect(csp).to.contain("default-src 'none'");
    expect(csp).not.to.contain('script');
    expect(html.text).to.contain('Hello from Acme &lt;Bikes&gt;.');
    expect(html.text).not.to.contain('<script');

    const german = await agent.get(`/surveys/${String(survey._id)}/preview?lang=de`).expect(200);
    expect(german.text).to.contain('Äußerst wahrscheinlich');
    const bad = await agent.get(`/surveys/${String(survey._id)}/preview?lang=xx`).expect(400);
    expect(bad.text).to.contain('lang must be one of: en, de');
  });

  it('is for managers only', async () => {
    const survey = await makeSurvey(ctx);
    const agent = await signedInAs(ctx, 'viewer');
    await agent.get(`/surveys/${String(survey._id)}/preview`).expect(403);
    await agent.get(`/surveys/${String(survey._id)}/preview/email`).expect(403);
  });
});

describe('send me a test', () => {
  const ctx = useTestContext();

  it('sends the exact email to the signed-in manager at once (here: to the local outbox)', async () => {
    const survey = await makeSurvey(ctx, { companyName: 'Acme' });
    const agent = await signedInAs(ctx, 'manager');
    const token = await formToken(agent, `/surveys/${String(survey._id)}/preview`);
    await agent
      .post(`/surveys/${String(survey._id)}/test-send`)
      .type('form')
      .send({ _csrf: token })
      .expect(303)
      .expect('location', `/surveys/${String(survey._id)}/preview`);
    const stored = await ctx.models.outboxMessages.find({}).lean();
    expect(stored).to.have.length(1);
    expect(stored[0]!.to).to.equal('Manager User <manager@example.com>');
    expect(stored[0]!.subject).to.equal('[Test] How likely are you to recommend Acme to a friend or colleague?');
    expect((await agent.get(`/surveys/${String(survey._id)}/preview`).expect(200)).text).to.contain(
      'Test email stored in the Outbox for manager@example.com',
    );
  });
});
