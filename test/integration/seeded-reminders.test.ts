import { expect } from 'chai';

import { seedDemo } from '../../scripts/demo-data.js';
import { useTestContext } from '../helpers/context.js';
import { useSendingFixtures } from '../helpers/sending.js';

describe('sending: reminders that can never go out', function () {
  this.timeout(120_000);
  const ctx = useTestContext();
  const fx = useSendingFixtures(ctx);
  const waiting = () =>
    ctx.models.invitations.countDocuments({ status: 'sent', respondedAt: null, reminderStatus: null });

  it('leaves the worker nothing to do after the demo seed, and settles tokenless reminders in one pass', async () => {
    await seedDemo(ctx.models, {
      responses: 900,
      surveys: 2,
      months: 6,
      seed: 7,
      withInvitations: true,
      now: ctx.clock.now(),
    });
    // As the app would have left them: reminders went out for everything sent over three days ago.
    const notYetDue = await waiting();
    expect(notYetDue).to.be.greaterThan(0).and.lessThan(60);
    const worker = fx.worker({ policy: { concurrency: 5, reminderIdleMs: 0 } });
    expect(await worker.runOnce()).to.equal(0);
    expect(await waiting()).to.equal(notYetDue);

    // Four days later the rest are due; without a link token none can go out: one pass settles them
    // all as skipped, none is claimed and dropped one at a time, and nothing is sent.
    ctx.clock.advance(4 * 86_400_000);
    expect(await worker.runOnce()).to.equal(0);
    expect(await waiting()).to.equal(0);
    expect(await ctx.models.invitations.countDocuments({ reminderStatus: 'skipped' })).to.equal(notYetDue);
    expect(fx.smtp.received).to.have.length(0);
  });
});
