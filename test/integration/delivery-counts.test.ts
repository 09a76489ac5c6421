import { expect } from 'chai';

import type { AudienceOptions } from '../../server/sending/audience.js';
import { DeliveryError, type Mailer } from '../../server/sending/mailer.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { useSendingFixtures } from '../helpers/sending.js';

const everyone: AudienceOptions = { filters: [], throttleDays: 90 };

/** The survey page's delivery table reads kept counts: they must equal the invitations themselves. */
describe('sending: delivery counts by status', function () {
  this.timeout(60_000);
  const ctx = useTestContext();
  const fx = useSendingFixtures(ctx);

  it('equal a count of the invitations after sends, refusals, uncertain deliveries, a resend and a deletion', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const id = String(survey._id);
    await fx.contacts(8);
    await fx.queue().queue(id, everyone);
    await ctx.models.contacts.updateOne({ email: 'c7@example.com' }, { $set: { unsubscribedAt: new Date() } });
    // c0 is refused for good, c1 breaks off mid-delivery (uncertain), c2 fails for now (retried later).
    const mailer: Mailer = {
      kind: 'smtp',
      send: (message) => {
        const { to } = message;
        if (to.includes('c0@')) return Promise.reject(new DeliveryError('permanent', '550 no such user'));
        if (to.includes('c1@')) return Promise.reject(new DeliveryError('uncertain', 'connection lost'));
        if (to.includes('c2@')) return Promise.reject(new DeliveryError('transient', '421 try later'));
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    await fx.drain(fx.worker({ mailer }));
    const truth = async () => {
      const rows = await ctx.models.invitations.aggregate<{ _id: string; n: number }>([
        { $match: { surveyId: survey._id } },
        { $group: { _id: '$status', n: { $sum: 1 } } },
      ]);
      const out: Record<string, number> = { queued: 0, sending: 0, sent: 0, failed: 0, suppressed: 0, uncertain: 0 };
      for (const r of rows) out[r._id] = r.n;
      return out;
    };
    const shown = async () => (await fx.queue().progress(id)).byStatus;
    expect(await shown()).to.deep.equal({ queued: 1, sending: 0, sent: 4, failed: 1, suppressed: 1, uncertain: 1 });
    expect(await shown()).to.deep.equal(await truth());

    expect(await fx.queue().resendUncertain(id)).to.equal(1);
    expect(await shown()).to.deep.equal(await truth());
    // Deleting the contact whose send waits for a retry takes their queued invitation out.
    const c2 = await ctx.models.contacts.findOne({ email: 'c2@example.com' }).lean();
    await ctx.services.contacts.remove(String(c2!._id));
    const after = await shown();
    expect(after).to.deep.equal(await truth());
    expect(after).to.include({ queued: 1, uncertain: 0 });
    // A recount agrees.
    await ctx.services.aggregates.rebuild(survey._id);
    expect(await shown()).to.deep.equal(after);
  });
});
