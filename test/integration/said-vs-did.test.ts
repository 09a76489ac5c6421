import { expect } from 'chai';

import { wilsonInterval } from '../../server/results/proportions.js';
import type { RepurchaseAnswer } from '../../server/vocabulary/answers.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';

const DAY = 86_400_000;

describe('said vs did (actual repurchase)', () => {
  const ctx = useTestContext();

  it('gives the share who ordered within the window, by category, by answer and for those who never answered', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const now = ctx.clock.now().getTime();
    const answered = new Date(now - 120 * DAY);
    const contacts = await ctx.models.contacts.insertMany(
      Array.from({ length: 10 }, (_, i) => ({ email: `c${i + 1}@example.com`, name: `C${i + 1}` })),
    );
    const c = (n: number) => contacts[n - 1]!._id;
    const respond = (
      n: number | null,
      score: number,
      repurchase: RepurchaseAnswer | null,
      at = answered,
      extra: Record<string, unknown> = {},
    ) =>
      ctx.models.responses.create({
        surveyId: survey._id,
        ...(n ? { contactId: c(n) } : {}),
        score,
        category: score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor',
        ...(repurchase ? { repurchase } : {}),
        channel: n ? 'email' : 'link',
        submittedAt: at,
        ...extra,
      });
    await respond(1, 10, 'definitely_would');
    await respond(2, 9, 'probably_would');
    await respond(3, 9, 'definitely_would');
    await respond(4, 8, 'not_sure');
    await respond(5, 3, 'definitely_would_not');
    await respond(6, 2, 'probably_would_not');
    await respond(7, 10, 'definitely_would', new Date(now - 10 * DAY)); // too recent to judge
    await respond(null, 0, 'definitely_would_not'); // anonymous web link
    await respond(8, 0, 'definitely_would_not', answered, { review: 'flagged' }); // a scanner
    const order = (n: number, daysAfter: number, from = answered) => ({
      contactId: c(n),
      reference: `R-${n}-${daysAfter}`,
      orderedAt: new Date(from.getTime() + daysAfter * DAY),
    });
    await ctx.models.orders.insertMany([
      order(1, 30),
      order(3, 100),
      order(4, 10),
      order(6, 5),
      order(8, 3),
      order(9, 20),
      order(2, -5),
    ]);
    await ctx.models.invitations.insertMany(
      [1, 9, 10].map((n) => ({
        surveyId: survey._id,
        contactId: c(n),
        tokenHash: `h${n}`,
        status: 'sent',
        queuedAt: answered,
        sentAt: answered,
      })),
    );

    const viewer = await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${String(survey._id)}/results/said-vs-did?window=90`).expect(200);
    const rows = [
      ...page.text.matchAll(
        /<tr(?: class="reference")?><th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td><td class="num">(\d+)<\/td><td class="num">([^<]+)<\/td><td class="num">([^<]*)<\/td><\/tr>/g,
      ),
    ].map((m) => [m[1], m[2], m[3], m[4], m[5]]);
    const w = (x: number, n: number) => {
      const i = wilsonInterval(x, n)!;
      return [`${i.share.toFixed(1)}%`, `${i.low.toFixed(1)} to ${i.high.toFixed(1)}`];
    };
    // Hand check of one interval: 1 of 3, z^2 = 3.8416: denominator 1 + 3.8416/3 = 2.28053;
    // centre (1/3 + 3.8416/6) / 2.28053 = 0.42692; half 1.96 x sqrt(2/27 + 3.8416/36) / 2.28053 = 0.36543.
    expect(w(1, 3)).to.deep.equal(['33.3%', '6.1 to 79.2']);
    expect(rows).to.deep.equal([
      ['Promoters (9-10)', '3', '1', ...w(1, 3)],
      ['Passives (7-8)', '1', '1', ...w(1, 1)],
      ['Detractors (0-6)', '2', '1', ...w(1, 2)],
      ['Invited, never answered', '2', '1', ...w(1, 2)],
      ['Definitely would', '2', '1', ...w(1, 2)],
      ['Probably would', '1', '0', ...w(0, 1)],
      ['Not sure', '1', '1', ...w(1, 1)],
      ['Probably would not', '1', '1', ...w(1, 1)],
      ['Definitely would not', '1', '0', ...w(0, 1)],
      ['Did not answer the question', '0', '0', '-', ''],
      ['Invited, never answered', '2', '1', ...w(1, 2)],
    ]);
    expect(page.text).to.contain('c5@example.com');
    expect(page.text).not.to.contain('c6@example.com');
    await viewer.get(`/surveys/${String(survey._id)}/results/said-vs-did?window=3`).expect(400);
  });
});
