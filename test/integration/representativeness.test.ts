import { expect } from 'chai';

import { createSealer } from '../../server/lib/seal.js';
import type { AudienceOptions } from '../../server/sending/audience.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { respondHelpers } from '../helpers/respond.js';
import { useSendingFixtures } from '../helpers/sending.js';

const testSecret = 'a test secret that is long enough to use';
const sealer = createSealer(testSecret, 'link-token');
const everyone: AudienceOptions = { filters: [], throttleDays: 90 };

describe('who answered vs who was invited, from counts', function () {
  this.timeout(120_000);
  const ctx = useTestContext({ TOKEN_SECRET: testSecret });
  const fx = useSendingFixtures(ctx);
  const { answer } = respondHelpers(ctx);

  /** The page's representativeness rows: value -> [invited, answered]. */
  let viewer: Awaited<ReturnType<typeof signedInAs>> | undefined;
  beforeEach(() => (viewer = undefined));
  async function rows(surveyId: string): Promise<Record<string, [number, number]>> {
    viewer ??= await signedInAs(ctx, 'viewer');
    const page = await viewer.get(`/surveys/${surveyId}/results?segment=plan`).expect(200);
    const out: Record<string, [number, number]> = {};
    const re =
      /<th scope="row">([^<]+)<\/th><td class="num">(\d+)<\/td><td class="num">[^<]+<\/td><td class="num">(\d+)<\/td>/g;
    const table = page.text.slice(page.text.indexOf('Who answered'));
    for (const m of table.matchAll(re)) out[m[1]!] ??= [Number(m[2]), Number(m[3])];
    return out;
  }
  const stored = async () =>
    (await ctx.models.deliveredValues.find({}).lean())
      .map((d) => `${d.key}=${d.value}:${d.n}`)
      .sort()
      .join(' ');

  it('counts the send and the answers as they happen, equals a rebuild, and survives a contact deletion', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const id = String(survey._id);
    // 20 Free, 10 Pro, 5 without a plan.
    await fx.contacts(35, (i) => ({ properties: i < 20 ? { plan: 'Free' } : i < 30 ? { plan: 'Pro' } : {} }));
    await fx.queue().queue(id, everyone);
    const worker = fx.worker();
    await fx.drain(worker);
    await worker.flush();
    expect(fx.smtp.received).to.have.length(35);
    // A property changed after the send does not move the invited side: it is what the email went to.
    await ctx.models.contacts.updateOne({ email: 'c0@example.com' }, { $set: { 'properties.plan': 'Pro' } });
    await ctx.models.contacts.updateOne({ email: 'c0@example.com' }, { $set: { 'properties.plan': 'Free' } });

    ctx.clock.advance(3_600_000); // people open their email a while later (a click at once looks automated)
    // Answers: 2 of the Free contacts (c0, c1), 5 of the Pro ones (c20-c24), one without a plan (c30).
    const tokenOf = async (email: string) => {
      const contact = await ctx.models.contacts.findOne({ email }).lean();
      const inv = await ctx.models.invitations.findOne({ contactId: contact!._id }).lean();
      return sealer.open(inv!.tokenSealed!);
    };
    for (const email of ['c0', 'c1', 'c20', 'c21', 'c22', 'c23', 'c24', 'c30'].map((c) => `${c}@example.com`))
      expect((await answer(await tokenOf(email), { score: '9' })).status).to.be.oneOf([200, 303]);
    // An edited answer does not count twice.
    expect((await answer(await tokenOf('c20@example.com'), { score: '3' })).status).to.be.oneOf([200, 303]);

    // Free 2/20 = 10%, Pro 5/10 = 50%, no value 1/5.
    expect(await rows(id)).to.deep.equal({ Free: [20, 2], Pro: [10, 5], '(no value)': [5, 1] });
    const live = await stored();
    expect(live).to.equal('plan=Free:20 plan=Pro:10');
    await ctx.services.aggregates.rebuild();
    expect(await stored()).to.equal(live);

    // Deleting c21 (Pro, answered): the tombstone keeps the response rate, not the plan.
    const c21 = await ctx.models.contacts.findOne({ email: 'c21@example.com' }).lean();
    await ctx.services.contacts.remove(String(c21!._id));
    expect(await rows(id)).to.deep.equal({ Free: [20, 2], Pro: [9, 4], '(no value)': [6, 2] });
    const afterDeletion = await stored();
    await ctx.services.aggregates.rebuild();
    expect(await stored()).to.equal(afterDeletion);
  });

  it('leaves no value behind that only a deleted contact had', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await fx.contacts(2, (i) => ({ properties: { city: i === 0 ? 'Smallville' : 'Berlin' } }));
    await fx.queue().queue(String(survey._id), everyone);
    const worker = fx.worker();
    await fx.drain(worker);
    await worker.flush();
    expect(await stored()).to.equal('city=Berlin:1 city=Smallville:1');
    const c0 = await ctx.models.contacts.findOne({ email: 'c0@example.com' }).lean();
    await ctx.services.contacts.remove(String(c0!._id));
    expect(await stored()).to.equal('city=Berlin:1');
  });
});
