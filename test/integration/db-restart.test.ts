import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';

import { createApp } from '../../server/boot/app.js';
import { createModels, ensureIndexes } from '../../server/boot/models.js';
import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';
import { startMongoJavaServer, type RunningServer } from '../../server/db/mongo-java-server.js';
import { createLogger } from '../../server/lib/logger.js';
import { TestClock } from '../helpers/clock.js';
import type { TestContext } from '../helpers/context.js';
import { testDatabaseEngine } from '../helpers/database.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';
import { freePort } from '../helpers/process.js';

const stampOf = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)![1]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('faults: the database restarted under load', function () {
  this.timeout(300_000);
  const silent = createLogger({ level: 'silent' });
  let dir: string;
  let db: RunningServer | undefined;

  before(function () {
    // Needs a database this test can stop and start: mongo-java-server with a file, on a port of its own.
    if (process.env.MONGODB_URI && !testDatabaseEngine().startsWith('mongo-java-server')) this.skip();
    dir = mkdtempSync(path.join(tmpdir(), 'nps-restart-'));
  });
  after(async () => {
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports not-ready and answers 503 while the database is down, then recovers without a restart; every answer is whole and counted once', async () => {
    const file = path.join(dir, 'restart.mv');
    const port = await freePort();
    db = await startMongoJavaServer({ file, port, logger: silent });
    const connection = await connectDatabase(`mongodb://127.0.0.1:${port}/nps`, { timeoutMs: 5000 });
    // What the driver saw, for the failure message should the recovery stall.
    const driverEvents: string[] = [];
    const seen = (line: string) => driverEvents.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    connection.getClient().on('serverDescriptionChanged', (e) => seen(`server ${e.newDescription.type}`));
    connection.getClient().on('serverHeartbeatFailed', (e) => seen(`heartbeat failed: ${e.failure.message}`));
    const models = createModels(connection);
    await ensureIndexes(models, { emulator: true });
    const clock = new TestClock();
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const services = createServices({ config, logger: silent, models, clock });
    // Errors the app logs (a 500's cause), for the failure message.
    const errors: string[] = [];
    const errorLog = createLogger({
      level: 'error',
      destination: new Writable({
        write(chunk: Buffer, _enc, done) {
          errors.push(chunk.toString().slice(0, 600));
          done();
        },
      }),
    });
    const app = createApp({ config, logger: errorLog, connection, models, services });
    const fake = { models, clock, config, services } as unknown as TestContext;

    try {
      const survey = await makeSurvey(fake, { status: 'active' });
      const invitations: Awaited<ReturnType<typeof makeInvitation>>[] = [];
      for (let i = 0; i < 80; i++) invitations.push(await makeInvitation(fake, { survey }));
      const stamps: string[] = [];
      for (const [i, inv] of invitations.entries())
        stamps.push(
          stampOf(
            (
              await request(app)
                .get(`/r/${inv.token}/${i % 11}`)
                .expect(200)
            ).text,
          ),
        );
      clock.advance(10_000);

      // Four customers at a time keep submitting while the database goes away and comes back.
      const statuses = invitations.map(() => [] as number[]);
      let next = 0;
      const submit = (i: number) =>
        request(app)
          .post(`/r/${invitations[i]!.token}`)
          .type('form')
          .send({ stamp: stamps[i]!, score: String(i % 11), repurchase: 'probably_would', comment: `reason ${i}` });
      const load = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < invitations.length) {
            const i = next++;
            statuses[i]!.push((await submit(i)).status);
            await sleep(40);
          }
        }),
      );
      while (next < 20) await sleep(20);
      await db.stop();

      const ready = await request(app).get('/readyz');
      expect(ready.status).to.equal(503);
      const down = await request(app)
        .post(`/r/${invitations[79]!.token}`)
        .type('form')
        .send({ stamp: stamps[79]!, score: '2' });
      expect(down.status).to.equal(503);
      expect(down.headers['retry-after']).to.equal('30');
      expect(down.text).to.contain('The database is briefly unavailable');

      db = await startMongoJavaServer({ file, port, logger: silent });
      const deadline = Date.now() + 90_000;
      while ((await request(app).get('/readyz')).status !== 200) {
        expect(
          Date.now(),
          `ready again within 90 s (mongoose state ${connection.readyState}; driver: ${driverEvents.slice(-8).join(' | ')})`,
        ).to.be.below(deadline);
        await sleep(250);
      }
      await load;
      const failedDuringOutage = statuses.filter((s) => s.at(-1) !== 303).length;
      expect(failedDuringOutage, 'some answers met the outage').to.be.greaterThan(0);
      expect(
        statuses.flat().every((s) => s === 303 || s === 503),
        `${JSON.stringify(statuses)}; logged: ${errors.join(' | ')}`,
      ).to.equal(true);

      // Customers whose answer met the outage try again, as the 503 page asks.
      for (const [i, s] of statuses.entries()) if (s.at(-1) !== 303) await submit(i).expect(303);

      const responses = await models.responses.find({ surveyId: survey._id }).lean();
      expect(responses).to.have.length(80);
      for (const r of responses) {
        const i = invitations.findIndex((inv) => String(inv.invitation._id) === String(r.invitationId));
        expect([r.score, r.category !== undefined, r.repurchase, r.comment, r.channel]).to.deep.equal([
          i % 11,
          true,
          'probably_would',
          `reason ${i}`,
          'email',
        ]);
      }
      expect(await models.invitations.countDocuments({ surveyId: survey._id, respondedAt: null })).to.equal(0);
      // Answers whose count update met the outage kept their "counts pending" marker; once the survey
      // has been quiet for two minutes the workers' repair recounts those days, and the day counts the
      // results page reads agree with the responses.
      const aggregates = services.aggregates;
      const total = async () =>
        (await aggregates.daysOf(survey._id)).flatMap((d) => d.cells).reduce((sum, c) => sum + c.n, 0);
      const pending = await models.responses.collection.countDocuments({ countsPending: { $gt: 0 } });
      expect(
        await aggregates.repairPending({ now: clock.now(), quietMs: 120_000 }),
        'nothing is repaired while answers are fresh',
      ).to.equal(0);
      clock.advance(3 * 60_000);
      const repaired = await aggregates.repairPending({ now: clock.now(), quietMs: 120_000 });
      expect(repaired).to.equal(pending > 0 ? 1 : 0);
      expect(await total()).to.equal(80);
      expect(await models.responses.collection.countDocuments({ countsPending: { $gt: 0 } })).to.equal(0);
    } finally {
      await connection.close();
    }
  });
});
