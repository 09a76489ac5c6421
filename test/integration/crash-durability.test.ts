import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

import { createModels, ensureIndexes } from '../../server/boot/models.js';
import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';
import { startMongoJavaServer, type RunningServer } from '../../server/db/mongo-java-server.js';
import { systemClock } from '../../server/lib/clock.js';
import { createLogger } from '../../server/lib/logger.js';
import type { TestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { runScript } from '../helpers/process.js';
import { startTestSmtp } from '../helpers/smtp.js';

const CONTACTS = 2000;
const logger = createLogger({ level: 'silent' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The embedded database on an H2 file, with the app's models and services on it. */
async function openOn(server: RunningServer) {
  const connection = await connectDatabase(server.uri);
  const models = createModels(connection);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  return { connection, models, services: createServices({ config, logger, models, clock: systemClock }) };
}

/**
 * The promise above all others: nobody gets the same survey email twice, even when the app and its
 * embedded database die together mid-send (kill -9 of both) and are started again.
 */
describe('a crash of the app and its embedded database together', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'nps-crash-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`sends nobody two messages when both are killed mid-send of ${CONTACTS}`, async () => {
    const file = path.join(dir, 'nps.mv');
    const smtp = await startTestSmtp();
    let server = await startMongoJavaServer({ file, logger });
    try {
      const db = await openOn(server);
      await ensureIndexes(db.models, { emulator: true });
      const survey = await makeSurvey({ models: db.models } as TestContext, { status: 'active' });
      await db.models.contacts.collection.insertMany(
        Array.from({ length: CONTACTS }, (_, i) => ({ email: `p${i}@example.com`, name: `P ${i}`, properties: {} })),
      );
      await db.services.sendQueue.queue(String(survey._id), { filters: [], throttleDays: 90 });
      await db.connection.close();

      // NODE_ENV=test: the test's secrets, so the worker opens the link tokens sealed here.
      const env = (uri: string) => ({
        NODE_ENV: 'test',
        MONGODB_URI: uri,
        SMTP_URL: smtp.url,
        SMTP_MAX_CONNECTIONS: '5',
        LOG_LEVEL: 'warn',
      });
      const first = runScript('scripts/worker.ts', [], env(server.uri));
      for (const end = Date.now() + 120_000; smtp.received.length < CONTACTS / 4 && Date.now() < end;) await pause(20);
      expect(smtp.received.length, first.stderr()).to.be.at.least(CONTACTS / 4);
      // Both at once, mid-send: nothing gets to finish or flush.
      process.kill(server.pid!, 'SIGKILL');
      first.child.kill('SIGKILL');
      await first.exited;
      await server.stop();
      const beforeRestart = smtp.received.length;

      server = await startMongoJavaServer({ file, logger });
      const second = runScript('scripts/worker.ts', [], env(server.uri));
      const check = await openOn(server);
      const queued = () => check.models.invitations.countDocuments({ status: 'queued' });
      for (const end = Date.now() + 180_000; (await queued()) > 0 && Date.now() < end;) await pause(250);
      await pause(1000);
      second.child.kill('SIGTERM');
      await second.exited;
      expect(await queued(), second.stderr()).to.equal(0);

      const recipients = smtp.received.map((m) => m.to[0]!);
      const twice = recipients.filter((r, i) => recipients.indexOf(r) !== i);
      expect(twice, `${twice.length} addresses got two messages`).to.deep.equal([]);
      expect(smtp.received.length).to.be.greaterThan(beforeRestart);
      // Everyone got one message, except those in flight at the crash: those wait as "sending" until
      // their lease passes and then become uncertain (never resent on their own).
      const inDoubt = await check.models.invitations.countDocuments({ status: 'sending' });
      expect(recipients.length + inDoubt).to.be.within(CONTACTS - 0, CONTACTS + inDoubt);
      expect(await check.models.invitations.countDocuments({ status: 'sent' })).to.be.at.most(recipients.length);
      await check.connection.close();
    } finally {
      await server.stop();
      await smtp.close();
    }
  });
});
