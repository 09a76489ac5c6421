import { expect } from 'chai';

import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

describe('home dashboard', () => {
  const ctx = useTestContext();

  it('pools every survey’s counted responses with the interval, names the surveys, and lists what needs attention', async () => {
    const shop = await makeSurvey(ctx, { status: 'active', name: 'Shop NPS' });
    const support = await makeSurvey(ctx, { status: 'active', name: 'Support NPS' });
    const day = 86_400_000;
    const now = ctx.clock.now().getTime();
    // Shop: 4 promoters, 1 detractor; Support: 1 promoter, 1 passive, 3 detractors. Together n = 10:
    // 5 promoters, 1 passive, 4 detractors -> NPS 10. Adjusted Wald (PRODUCT.md): n' = 13,
    // p' = 5.75 / 13, d' = 4.75 / 13 -> centre 7.69, SE 100 x sqrt((0.8077 - 0.0059) / 13) = 24.83,
    // interval 7.69 +/- 48.67 = -41.0 to 56.4.
    await makeResponses(ctx, shop._id, [...repeat(9, 3), 10], { submittedAt: new Date(now - 2 * day) });
    await makeResponses(ctx, shop._id, [2], { submittedAt: new Date(now - 2 * day), comment: 'Too slow' });
    await makeResponses(ctx, support._id, [9, 8, 0, 3], { submittedAt: new Date(now - 5 * day) });
    await makeResponses(ctx, support._id, [6], { submittedAt: new Date(now - 5 * day), comment: 'Nobody called back' });
    // A flagged answer counts nowhere.
    await makeResponses(ctx, support._id, [0], { submittedAt: new Date(now - day), review: 'flagged', comment: 'bot' });
    // Follow-ups still open: opened 2 hours, 2 days and 40 days ago; one closed.
    const responses = await ctx.models.responses.find({ category: 'detractor', review: 'none' }).limit(4).lean();
    const opened = [2 * 3_600_000, 2 * day, 40 * day, 3 * day];
    await ctx.models.followUps.insertMany(
      responses.map((r, i) => ({
        responseId: r._id,
        surveyId: r.surveyId,
        status: i === 3 ? 'closed' : 'open',
        openedAt: new Date(now - opened[i]!),
        openedScore: r.score,
        notes: [],
      })),
    );
    // Invitations delivered in the last 30 days: 4 of shop's, 2 answered; one 40 days ago does not count.
    for (let i = 0; i < 4; i++) {
      const { invitation } = await makeInvitation(ctx, { survey: shop, sentAgoMs: 3 * day });
      if (i < 2)
        await ctx.models.invitations.updateOne({ _id: invitation._id }, { $set: { respondedAt: ctx.clock.now() } });
    }
    await makeInvitation(ctx, { survey: support, sentAgoMs: 40 * day });

    const viewer = await signedInAs(ctx, 'viewer');
    const page = (await viewer.get('/').expect(200)).text;
    expect(page).to.contain('All surveys together (2): ').and.contain('Shop NPS').and.contain('Support NPS');
    expect(page).to.contain('<span class="nps-number">+10</span>');
    expect(page).to.contain('95% interval -41.0 to 56.4 · n = 10 responses');
    expect(page).to.contain('small sample');
    expect(page).to.match(/<strong>3<\/strong> follow-up cases still open/);
    const ages = [...page.matchAll(/<th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td><\/tr>/g)]
      .map((m) => [m[1], Number(m[2])])
      .filter(([label]) => /day/.test(String(label)));
    expect(ages).to.deep.equal([
      ['Under 1 day', 1],
      ['1 to 3 days', 1],
      ['3 to 7 days', 0],
      ['7 to 30 days', 0],
      ['Over 30 days', 1],
    ]);
    expect(page).to.contain('<strong>50.0%</strong> (2 answered of 4 invitations delivered)');
    expect(page).to.contain('Too slow').and.contain('Nobody called back').and.not.contain('bot”');
    expect(page).to.contain('<svg').and.contain('class="trend-svg"');

    // One survey: its own figures (4 promoters, 1 detractor -> +60).
    const one = (await viewer.get(`/?survey=${String(shop._id)}&range=30d`).expect(200)).text;
    expect(one).to.contain('<span class="nps-number">+60</span>').and.not.contain('Nobody called back');
    expect(one).to.contain(`/surveys/${String(shop._id)}/results?range&#x3D;30d`); // = escaped by Handlebars
    await viewer.get('/?survey=nonsense').expect(400);
    // An all-surveys email report links here with its dates and filters.
    const linked = (await viewer.get('/?range=custom&from=2020-01-01&to=2020-01-31&channel=email').expect(200)).text;
    expect(linked).to.contain('Custom dates: 2020-01-01 to 2020-01-31').and.contain('channel email');
    expect(linked).to.contain('No responses in this range yet');
    await viewer.get('/?range=custom&from=2020-02-01').expect(400); // a custom range needs both ends
    // A well-formed id of no survey: an empty view, not an error.
    const none = (await viewer.get('/?survey=000000000000000000000000').expect(200)).text;
    expect(none).to.contain('No responses in this range yet');
  });

  it('says there is no score rather than showing zero when nothing was answered', async () => {
    ctx.clock.advance(31_000); // past the 30 s the last test's view is reused for
    await makeSurvey(ctx, { status: 'active' });
    const manager = await signedInAs(ctx, 'manager');
    const page = (await manager.get('/').expect(200)).text;
    expect(page).to.contain('No responses in this range yet, so there is no score.');
    expect(page).not.to.contain('nps-number');
    expect(page).to.contain('no invitations delivered');
  });
});
