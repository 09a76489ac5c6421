import { expect } from 'chai';

import { seedDemo } from '../../scripts/demo-data.js';
import { seedFollowUps } from '../../scripts/demo-followups.js';
import { differsSignificantly, npsFigures, type NpsCounts } from '../../server/results/nps.js';
import { useTestContext } from '../helpers/context.js';

/** Counts of the stored responses matching `match`, by category. */
async function countsOf(ctx: ReturnType<typeof useTestContext>, match: Record<string, unknown>): Promise<NpsCounts> {
  const rows = await ctx.models.responses.aggregate<{ _id: string; n: number }>([
    { $match: match },
    { $group: { _id: '$category', n: { $sum: 1 } } },
  ]);
  const n = (c: string) => rows.find((r) => r._id === c)?.n ?? 0;
  return { promoters: n('promoter'), passives: n('passive'), detractors: n('detractor') };
}

describe('demo data (npm run seed:demo)', function () {
  this.timeout(120_000);
  const ctx = useTestContext();
  const options = { responses: 12_000, surveys: 3, months: 18, seed: 42, withInvitations: false, withContacts: true };

  it('tells a story: surveys at different levels, an EU dip that recovers, the same data for the same seed', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const { surveyIds } = await seedDemo(ctx.models, { ...options, now });
    const bySurvey = await Promise.all(surveyIds.map((surveyId) => countsOf(ctx, { surveyId })));
    const [base, high, low] = bySurvey.map(npsFigures);
    expect(high!.nps!).to.be.greaterThan(base!.nps!);
    expect(base!.nps!).to.be.greaterThan(low!.nps!);
    expect(differsSignificantly(bySurvey[1]!, bySurvey[0]!)).to.equal(true);
    expect(differsSignificantly(bySurvey[0]!, bySurvey[2]!)).to.equal(true);

    // EU: the dip two thirds through the 18 months (about months 5-7 before now) and after it.
    const monthsAgo = (m: number) => new Date(now.getTime() - m * 30.4 * 86_400_000);
    const eu = (from: number, to: number) =>
      countsOf(ctx, {
        'contactSnapshot.region': 'EU',
        submittedAt: { $gte: monthsAgo(from), $lt: monthsAgo(to) },
      });
    const [before, dip, after] = await Promise.all([eu(10, 8), eu(7, 5.5), eu(3, 1)]);
    expect(differsSignificantly(dip, before), 'EU dips').to.equal(true);
    expect(npsFigures(dip).nps!).to.be.lessThan(npsFigures(before).nps!);
    expect(differsSignificantly(dip, after), 'EU recovers').to.equal(true);
    expect(npsFigures(after).nps!).to.be.greaterThan(npsFigures(dip).nps!);

    const scores = async () =>
      (await ctx.models.responses.find({}).sort({ submittedAt: 1 }).select('score submittedAt').lean()).map(
        (r) => `${r.score}@${r.submittedAt.getTime()}`,
      );
    const first = await scores();
    await ctx.models.responses.deleteMany({});
    await ctx.models.surveys.deleteMany({});
    await ctx.models.contacts.deleteMany({});
    await seedDemo(ctx.models, { ...options, now });
    expect(await scores()).to.deep.equal(first);
  });

  it('has a follow-up case per counted detractor, as the default rule opens them: recent ones open, all alerted', async () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const { surveyIds } = await seedDemo(ctx.models, { ...options, responses: 2000, now });
    const n = await seedFollowUps(ctx.models, surveyIds, now);
    const detractors = await ctx.models.responses.countDocuments({ category: 'detractor', review: 'none' });
    expect(n).to.equal(detractors).and.to.be.greaterThan(0);
    const cases = await ctx.models.followUps.find({}).lean();
    const recent = (c: (typeof cases)[number]) => now.getTime() - c.openedAt.getTime() < 30 * 86_400_000;
    expect(cases.filter((c) => recent(c) && c.status === 'closed')).to.have.length(0);
    expect(cases.filter((c) => !recent(c) && c.status !== 'closed')).to.have.length(0);
    expect(cases.filter(recent).length).to.be.greaterThan(0);
    expect(cases.filter((c) => !c.alertedAt)).to.have.length(0);
    // The follow-ups list (capped at 500 active cases) shows them with their scores.
    const list = await ctx.services.followUps.list({});
    expect(list.length).to.equal(Math.min(500, cases.filter(recent).length));
    expect(list.every((c) => typeof c.score === 'number' && c.score <= 6)).to.equal(true);
  });
});
