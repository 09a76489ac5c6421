import type mongoose from 'mongoose';

import { createSmtpMailer, type Mailer } from '../../server/sending/mailer.js';
import type { SendPolicy } from '../../server/sending/send-worker.js';
import type { TestContext } from './context.js';
import { startTestSmtp, type TestSmtp } from './smtp.js';

/**
 * A test SMTP server per test, and the queue, workers and contacts the sending tests share. Call it
 * inside a describe: it registers the hooks that start and stop the server and close the mailers.
 */
export function useSendingFixtures(ctx: TestContext) {
  let smtp: TestSmtp | undefined;
  const mailers: Mailer[] = [];

  beforeEach(async () => {
    smtp = await startTestSmtp();
  });
  afterEach(async () => {
    await Promise.all(mailers.splice(0).map((m) => m.close()));
    await smtp?.close();
  });

  const queue = () => ctx.services.sendQueue;
  function worker(options: { mailer?: Mailer; policy?: Partial<SendPolicy>; id?: string } = {}) {
    const mailer = options.mailer ?? createSmtpMailer({ url: fixtures.smtp.url, maxConnections: 2, ratePerSecond: 0 });
    mailers.push(mailer);
    return ctx.services.newSendWorker({
      mailer,
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <surveys@nps.example.com>',
      policy: { concurrency: 10, ...options.policy },
      ...(options.id ? { workerId: options.id } : {}),
    });
  }
  async function contacts(n: number, extra: (i: number) => Record<string, unknown> = () => ({})) {
    await ctx.models.contacts.collection.insertMany(
      Array.from({ length: n }, (_, i) => ({
        email: `c${i}@example.com`,
        name: `C ${i}`,
        properties: {},
        ...extra(i),
      })),
    );
  }
  async function drain(w: ReturnType<typeof worker>) {
    while ((await w.runOnce()) > 0);
  }
  const statusCounts = async (surveyId: mongoose.Types.ObjectId) => (await queue().progress(String(surveyId))).byStatus;

  const fixtures = {
    /** The running test SMTP server (set before each test). */
    get smtp(): TestSmtp {
      if (!smtp) throw new Error('the test SMTP server starts before each test');
      return smtp;
    },
    /** A test that restarts the server hands over the new one (closed after the test). */
    set smtp(value: TestSmtp) {
      smtp = value;
    },
    queue,
    worker,
    contacts,
    drain,
    statusCounts,
  };
  return fixtures;
}
