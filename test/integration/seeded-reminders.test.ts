import { expect } from 'chai';

import { seedDemo } from '../../scripts/demo-data.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
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

  it('an idle worker reads the due invitations less and less often, and at once again when a send is queued', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const reads: number[] = [];
    const client = ctx.connection.getClient();
    const seen = (e: { commandName: string; command: Record<string, unknown> }) => {
      const filter = e.command.filter as Record<string, unknown> | undefined;
      if (e.commandName === 'find' && e.command.find === 'invitations' && filter?.status === 'queued')
        reads.push(ctx.clock.now().getTime());
    };
    client.on('commandStarted', seen);
    try {
      const worker = fx.worker({ policy: { idleMs: 1000, idleLookMaxMs: 15_000 } });
      const start = ctx.clock.now().getTime();
      // A minute of idle ticks, one a second as the job runs it.
      for (let s = 0; s < 60; s++) {
        await worker.runOnce();
        ctx.clock.advance(1000);
      }
      // Looks at 0, 1, 3, 7, 15, 30, 45 s (waits 1, 2, 4, 8, then 15): 7 reads instead of 60.
      expect(reads.map((t) => (t - start) / 1000)).to.deep.equal([0, 1, 3, 7, 15, 30, 45]);
      await fx.contacts(2);
      await fx.queue().queue(String(survey._id), { filters: [], throttleDays: 90 });
      expect(await worker.runOnce()).to.equal(2);
      expect(fx.smtp.received).to.have.length(2);
    } finally {
      client.off('commandStarted', seen);
    }
  });
});
