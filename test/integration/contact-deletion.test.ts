import { expect } from 'chai';

import { ResponseStore } from '../../server/responses/response.store.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey } from '../helpers/factories.js';

describe('deleting a contact that stops halfway', () => {
  const ctx = useTestContext();

  it('leaves the counts pending, so the workers recount them and every figure comes right', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const ana = await ctx.models.contacts.create({
      email: 'ana@example.com',
      name: 'Ana',
      properties: { plan: 'Pro' },
    });
    const bo = await ctx.models.contacts.create({ email: 'bo@example.com', name: 'Bo', properties: { plan: 'Free' } });
    await makeResponses(ctx, survey._id, [9, 3], {
      contactId: ana._id,
      contactSnapshot: { plan: 'Pro' },
      comment: 'Ana wrote this',
    });
    await makeResponses(ctx, survey._id, [10], { contactId: bo._id, contactSnapshot: { plan: 'Free' } });
    const counted = async (value?: string) => {
      const docs = value === undefined ? [] : await ctx.services.aggregates.segmentDocsOf(survey._id, 'plan', value);
      const days = value === undefined ? await ctx.services.aggregates.daysOf(survey._id) : [];
      return [...docs.flatMap((d) => Object.values(d.c ?? {})), ...days.flatMap((d) => d.cells.map((c) => c.n))].reduce(
        (a, b) => a + b,
        0,
      );
    };
    expect(await counted('Pro')).to.equal(2);

    // The process dies right after the first answer is anonymised, before its counts move.
    const dying = new ResponseStore(ctx.models.responses, {
      applyChange: () => Promise.reject(new Error('the process was killed here')),
      forgetEmptyValues: () => Promise.resolve(),
    });
    let stopped = false;
    try {
      await dying.eraseContact(ana._id, ctx.clock.now());
    } catch {
      stopped = true;
    }
    expect(stopped).to.equal(true);
    expect(await ctx.models.responses.countDocuments({ contactId: ana._id })).to.equal(1);
    expect(await counted('Pro')).to.equal(2); // wrong for now: one of them no longer carries plan Pro

    // The manager deletes the contact again, which finishes the job; the first answer's counts are still owed.
    const manager = await signedInAs(ctx, 'manager');
    const page = await manager.get(`/contacts/${String(ana._id)}/delete`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    await manager
      .post(`/contacts/${String(ana._id)}/delete`)
      .type('form')
      .send({ _csrf: csrf })
      .expect(303);
    expect(await ctx.models.contacts.exists({ _id: ana._id })).to.equal(null);
    expect(await ctx.models.responses.countDocuments({ comment: 'Ana wrote this' })).to.equal(0);
    expect(await counted('Pro')).to.equal(1);

    // Once the survey has been quiet for two minutes, the workers' repair recounts the pending days.
    ctx.clock.advance(3 * 60_000);
    expect(await ctx.services.aggregates.repairPending({ now: ctx.clock.now(), quietMs: 120_000 })).to.equal(1);
    expect(await counted('Pro')).to.equal(0);
    expect(await counted('Free')).to.equal(1);
    expect(await counted()).to.equal(3); // the anonymised answers still count overall
    const live = await ctx.services.aggregates.daysOf(survey._id);
    await ctx.services.aggregates.rebuild(survey._id);
    expect(await ctx.services.aggregates.daysOf(survey._id)).to.deep.equal(live);
    expect(await ctx.models.responses.collection.countDocuments({ countsPending: { $gt: 0 } })).to.equal(0);
  });
});
