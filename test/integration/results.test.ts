import { expect } from 'chai';
import request from 'supertest';

import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';
import { workedExampleSurvey } from '../helpers/results.js';

const DAY = 86_400_000;

describe('survey results page', () => {
  const ctx = useTestContext();

  const workedExample = () => workedExampleSurvey(ctx);

  /** Hand-computed adjusted-Wald interval for P promoters, D detractors of n (PRODUCT.md). */
  function interval(P: number, D: number, n: number) {
    const nAdj = n + 3;
    const p = (P + 0.75) / nAdj;
    const d = (D + 0.75) / nAdj;
    const se = 100 * Math.sqrt((p + d - (p - d) ** 2) / nAdj);
    const c = 100 * (p - d);
    return {
      low: Math.max(-100, c - 1.96 * se).toFixed(1),
      high: Math.min(100, c + 1.96 * se).toFixed(1),
      moe: (1.96 * se).toFixed(1),
      se,
      c,
    };
  }

  it('shows NPS 45 with its interval [29.3, 58.0], shares, distribution, top-2-box and cross-tab', async () => {
    const survey = await workedExample();
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results`).expect(200);
    expect(page.text).to.contain('<span class="nps-number">+45</span>');
    expect(page.text).to.contain('95% interval 29.3 to 58.0');
    expect(page.text).not.to.contain('class="nps-moe"'); // the interval by its ends, no ± beside the point
    expect(page.text).to.contain('n = 100 responses');
    expect(page.text).not.to.contain('small sample: fewer than 30');
    expect(page.text).to.match(/Promoters \(9-10\)<\/th><td class="num">60<\/td><td class="num">60\.0%/);
    expect(page.text).to.match(/Detractors \(0-6\)<\/th><td class="num">15<\/td><td class="num">15\.0%/);
    // Top-2-box: 60 of the 90 who answered the question.
    expect(page.text).to.contain(
      '<strong>66.7%</strong> would definitely or probably buy again (top-2-box, 60 of 90 who answered the question; 10 left it blank)',
    );
    // Cross-tab: passives split 15 not sure (60%) / 10 not answered (40%).
    expect(page.text).to.match(
      /Passives \(7-8\)<\/th>(<td class="num">0 <span class="muted">\(0%\)<\/span><\/td>){2}<td class="num">15 <span class="muted">\(60%\)<\/span><\/td>(<td class="num">0 <span class="muted">\(0%\)<\/span><\/td>){2}<td class="num">10 <span class="muted">\(40%\)<\/span><\/td><td class="num">25<\/td>/,
    );
    expect(page.text).to.contain('How these numbers are computed');
  });

  it('leaves flagged responses out and counts them separately', async () => {
    const survey = await workedExample();
    await makeResponses(ctx, survey._id, repeat(0, 7), {
      review: 'flagged',
      submittedAt: new Date(ctx.clock.now().getTime() - DAY),
    });
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results`).expect(200);
    expect(page.text).to.contain('n = 100 responses');
    expect(page.text).to.contain('7 flagged as automated and left out');
  });

  it('filters by contact property, channel and date range, all in the URL', async () => {
    const survey = await workedExample();
    const recent = new Date(ctx.clock.now().getTime() - 2 * DAY);
    await makeResponses(ctx, survey._id, [...repeat(10, 3), 0], {
      submittedAt: recent,
      channel: 'link',
      contactSnapshot: { plan: 'Pro' },
    });
    await makeResponses(ctx, survey._id, repeat(9, 4), {
      submittedAt: new Date(ctx.clock.now().getTime() - 200 * DAY),
      contactSnapshot: { plan: 'Pro' },
    });
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results`;

    const pro = await viewer.get(`${url}?prop=plan&value=Pro`).expect(200);
    // 3 promoters, 1 detractor of 4 -> NPS 50; the 200-day-old ones are outside the default 90 days.
    expect(pro.text).to.contain('<span class="nps-number">+50</span>');
    expect(pro.text).to.contain('n = 4 responses');
    expect(pro.text).to.contain('small sample');
    expect(pro.text).to.contain(`95% interval ${interval(3, 1, 4).low} to ${interval(3, 1, 4).high}`);

    const proAllTime = await viewer.get(`${url}?range=all&prop=plan&value=Pro`).expect(200);
    expect(proAllTime.text).to.contain('n = 8 responses');
    // 7 promoters, 1 detractor of 8 -> 75.
    expect(proAllTime.text).to.contain('<span class="nps-number">+75</span>');

    const link = await viewer.get(`${url}?channel=link`).expect(200);
    expect(link.text).to.contain('n = 4 responses');
    const last30 = await viewer.get(`${url}?range=30d`).expect(200);
    expect(last30.text).to.contain('n = 104 responses');
    const day = (offset: number) => new Date(ctx.clock.now().getTime() + offset * DAY).toISOString().slice(0, 10);
    const custom = await viewer.get(`${url}?range=custom&from=${day(-3)}&to=${day(0)}`).expect(200);
    expect(custom.text).to.contain('n = 4 responses');
    // The form shows the filters that produced the page.
    expect(custom.text).to.match(/<option value="custom" selected>/);
  });

  it('shows NPS by segment, highest first, each with n and margin, and whether it differs from the rest', async () => {
    const survey = await workedExample();
    await makeResponses(ctx, survey._id, [...repeat(10, 3), 0], {
      submittedAt: new Date(ctx.clock.now().getTime() - 2 * DAY),
      contactSnapshot: { plan: 'Pro' },
    });
    await makeResponses(ctx, survey._id, repeat(0, 40), {
      submittedAt: new Date(ctx.clock.now().getTime() - 3 * DAY),
      contactSnapshot: { plan: 'Legacy' },
    });
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results?segment=plan`).expect(200);
    expect(page.text).to.contain('<option value="plan" selected>plan</option>');
    const rows = [
      ...page.text.matchAll(
        /<tr><th scope="row">(\w+)<\/th><td class="num">([^<]+)<\/td><td class="num">([-\d.]+ to [-\d.]+)<\/td><td class="num">(\d+)/g,
      ),
    ].map((m) => [m[1], m[2], m[3], m[4]]);
    expect(rows).to.deep.equal([
      ['Pro', '+50', `${interval(3, 1, 4).low} to ${interval(3, 1, 4).high}`, '4'],
      ['Free', '+45', '29.3 to 58.0', '100'],
      ['Legacy', '−100', `${interval(0, 40, 40).low} to ${interval(0, 40, 40).high}`, '40'],
    ]);
    // Free (45 of 100) against everyone else (3 P, 41 D of 44): far apart; Pro's 4 answers prove nothing.
    const free = interval(60, 15, 100);
    const rest = interval(3, 41, 44);
    expect(Math.abs(free.c - rest.c) > 1.96 * Math.sqrt(free.se ** 2 + rest.se ** 2)).to.be.true;
    expect(page.text).to.match(/<th scope="row">Free<\/th>.*?<strong>significantly different<\/strong>/s);
    expect(page.text).to.match(/<th scope="row">Pro<\/th>(?:(?!<\/tr>).)*no significant difference/s);
    expect(page.text).not.to.contain('had no plan when they answered');
    // 50 promoters with no plan: in no row and in no comparison (Legacy's 'everyone else' stays 63/41).
    await makeResponses(ctx, survey._id, repeat(10, 50), {
      submittedAt: new Date(ctx.clock.now().getTime() - 2 * DAY),
    });
    const after = await viewer.get(`/surveys/${String(survey._id)}/results?segment=plan`).expect(200);
    expect(after.text).to.contain(
      '50 responses had no plan when they answered: they are in no row and in no comparison.',
    );
    expect(after.text).to.match(/<th scope="row">Pro<\/th>(?:(?!<\/tr>).)*no significant difference/s);
  });

  it('draws the trend per day for 30 days, with the same numbers in a table and few-response points marked', async () => {
    const survey = await workedExample();
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results?range=30d`).expect(200);
    expect(page.text).to.contain('Trend <span class="muted">· by Day</span>');
    const day = new Date(ctx.clock.now().getTime() - 10 * DAY).toISOString().slice(0, 10);
    expect(page.text).to.contain(
      `<tr><th scope="row">${day}</th><td class="num">+45</td><td class="num">29.3 to 58.0</td><td class="num">100</td></tr>`,
    );
    expect(page.text.match(/<tr class="few">/g)).to.have.length(29);
    const data = JSON.parse(
      /<script type="application\/json" id="trend-data">([^<]*)<\/script>/.exec(page.text)![1]!,
    ) as { points: unknown[] };
    expect(data.points).to.have.length(30);
    const weekly = await viewer.get(`/surveys/${String(survey._id)}/results?range=30d&interval=week`).expect(200);
    expect(weekly.text).to.contain('Trend <span class="muted">· by Week</span>');
  });

  it('compares with the previous period and calls the change significant only when it is', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const now = ctx.clock.now().getTime();
    // Current 30 days: 30 promoters, 10 detractors of 40 -> 50. Previous 30 days: 10 / 30 of 40 -> -50.
    await makeResponses(ctx, survey._id, [...repeat(10, 30), ...repeat(2, 10)], {
      submittedAt: new Date(now - 5 * DAY),
    });
    await makeResponses(ctx, survey._id, [...repeat(10, 10), ...repeat(2, 30)], {
      submittedAt: new Date(now - 40 * DAY),
    });
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results?range=30d`).expect(200);
    const a = interval(30, 10, 40);
    const b = interval(10, 30, 40);
    expect(Math.abs(a.c - b.c) > 1.96 * Math.sqrt(a.se ** 2 + b.se ** 2)).to.be.true;
    expect(page.text).to.contain('NPS −50 (n = 40)');
    expect(page.text).to.contain('Change +100.0 points: statistically significant');

    // 11 / 9 of 20 now vs 10 / 10 of 20 before: a 10-point difference that chance explains.
    await ctx.models.responses.deleteMany({});
    await makeResponses(ctx, survey._id, [...repeat(10, 11), ...repeat(2, 9)], {
      submittedAt: new Date(now - 5 * DAY),
    });
    await makeResponses(ctx, survey._id, [...repeat(10, 10), ...repeat(2, 10)], {
      submittedAt: new Date(now - 40 * DAY),
    });
    const c = interval(11, 9, 20);
    const d = interval(10, 10, 20);
    expect(Math.abs(c.c - d.c) > 1.96 * Math.sqrt(c.se ** 2 + d.se ** 2)).to.be.false;
    const flat = await viewer.get(`/surveys/${String(survey._id)}/results?range=30d`).expect(200);
    expect(flat.text).to.contain('Difference +10.0 points: <strong>not a significant change</strong>');
  });

  it('lists every survey on the overview with NPS, margin, n, response rate and a 12-month trend line', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', name: 'Overview survey' });
    const now = ctx.clock.now().getTime();
    await makeResponses(ctx, survey._id, [10, 10, 0], { submittedAt: new Date(now - 2 * DAY) });
    await makeResponses(ctx, survey._id, [0], { submittedAt: new Date(now - 2 * DAY), channel: 'link' });
    await makeResponses(ctx, survey._id, [10], { submittedAt: new Date(now - 70 * DAY) });
    await ctx.models.surveys.updateOne({ _id: survey._id }, { $set: { deliveredCount: 10 } }); // as the send worker counts
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get('/surveys').expect(200);
    // 3 promoters, 2 detractors of 5 -> 20; 4 of the 5 came by email, to 10 delivered invitations.
    expect(page.text).to.contain('<span class="nps-value">+20</span>');
    expect(page.text).to.contain(`95% ${interval(3, 2, 5).low} to ${interval(3, 2, 5).high}`);
    expect(page.text).to.contain('40.0%<br><span class="muted">4 of 10</span>');
    const label = /<svg class="sparkline"[^>]*aria-label="([^"]+)"/.exec(page.text)![1]!;
    const months = [new Date(now - 70 * DAY), new Date(now - 2 * DAY)].map((d) => d.toISOString().slice(0, 7));
    expect(label).to.equal(
      months[0] === months[1]
        ? 'Monthly NPS over the last 12 months: 20'
        : 'Monthly NPS over the last 12 months: 100, 0',
    );
  });

  it('compares who answered with who was invited, by property, and warns in plain words when it is skewed', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const plans = [...Array<string>(100).fill('Free'), ...Array<string>(100).fill('Pro')];
    const contacts = await ctx.models.contacts.insertMany(
      plans.map((plan, i) => ({ email: `c${i}@example.com`, properties: { plan } })),
    );
    // Free: 10 of 100 answered; Pro: 40 of 100 (seeded, then recounted as npm run results:rebuild does).
    const invitations = await ctx.models.invitations.insertMany(
      contacts.map((c, i) => ({
        surveyId: survey._id,
        contactId: c._id,
        contactSnapshot: { plan: plans[i] },
        tokenHash: `hash-${i}`,
        status: 'sent',
        queuedAt: new Date(),
        sentAt: new Date(),
      })),
    );
    for (const i of [...Array(10).keys(), ...Array.from({ length: 40 }, (_, k) => 100 + k)])
      await makeResponses(ctx, survey._id, [9], {
        invitationId: invitations[i]!._id,
        contactId: contacts[i]!._id,
        contactSnapshot: { plan: plans[i] },
      });
    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results?segment=plan`).expect(200);
    expect(page.text).to.contain(
      '<th scope="row">Free</th><td class="num">100</td><td class="num">50.0%</td><td class="num">10</td><td class="num">20.0%</td><td class="num">10.0%</td><td><strong>answered less often</strong></td>',
    );
    expect(page.text).to.contain(
      '<th scope="row">Pro</th><td class="num">100</td><td class="num">50.0%</td><td class="num">40</td><td class="num">80.0%</td><td class="num">40.0%</td><td><strong>answered more often</strong></td>',
    );
    // Hand check of the test: pooled p = 0.25, SE = sqrt(0.25 x 0.75 x (1/100 + 1/100)), z = 0.30 / SE.
    expect(0.3 / Math.sqrt(0.25 * 0.75 * 0.02)).to.be.greaterThan(1.96);
    expect(page.text).to.contain(
      'Customers with plan Free (10.0%) answered less often than the others; plan Pro (40.0%) answered more often.',
    );
  });

  it('refuses bad filters with 400 and a message beside the field', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results`;
    const backwards = await viewer.get(`${url}?range=custom&from=2026-05-10&to=2026-05-01`).expect(400);
    expect(backwards.text).to.contain('The end date is before the start date.');
    const noValue = await viewer.get(`${url}?prop=plan`).expect(400);
    expect(noValue.text).to.contain('Enter the property value to filter by');
    const injected = await viewer.get(`${url}?prop=%24where&value=1`).expect(400);
    expect(injected.text).to.contain(
      'Choose a property from the list: the property name &quot;$where&quot; starts with',
    );
    await viewer.get(`${url}?range=forever`).expect(400);
    await request(ctx.app).get(url).expect(303);
  });
});
