import { expect } from 'chai';

import { backgroundJobs } from '../../server/boot/background.js';
import { startJobs } from '../../server/boot/jobs.js';
import type { AudienceOptions } from '../../server/sending/audience.js';
import type { Mailer } from '../../server/sending/mailer.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { useSendingFixtures } from '../helpers/sending.js';

const everyone: AudienceOptions = { filters: [], throttleDays: 90 };
const until = async (done: () => Promise<boolean>, ms = 10_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (await done()) return true;
  return false;
};

describe('in-doubt sends become uncertain while the app keeps running', function () {
  this.timeout(30_000);
  const ctx = useTestContext();
  const fx = useSendingFixtures(ctx);

  it('recovers claims that expire after start-up, without a restart', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    await fx.contacts(5);
    // The running app's jobs, with a short lease (real time) so the periodic recovery comes round quickly.
    const recovery = backgroundJobs(ctx.services, fx.worker({ policy: { leaseMs: 200 } })).filter(
      (job) => job.name === 'recover stale sends',
    );
    expect(recovery).to.have.length(1);
    const jobs = startJobs(recovery, ctx.logger);
    try {
      // After start-up, a second worker claims 5 messages and dies with them in flight.
      await fx.queue().queue(String(survey._id), everyone);
      const hanging: Mailer = { kind: 'smtp', send: () => new Promise<void>(() => undefined), close: async () => {} };
      void fx.worker({ mailer: hanging, id: 'doomed' }).runOnce();
      expect(await until(async () => (await fx.statusCounts(survey._id)).sending === 5)).to.equal(true);
      ctx.clock.advance(1000); // the claims are now older than the lease
      expect(await until(async () => (await fx.statusCounts(survey._id)).uncertain === 5)).to.equal(true);
      expect(await fx.statusCounts(survey._id)).to.include({ sending: 0, uncertain: 5 });
    } finally {
      await jobs.stop();
    }
  });
});
