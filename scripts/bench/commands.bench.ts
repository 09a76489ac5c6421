/**
 * Database commands per unit of work, the measure that carries over to any engine: each flow runs
 * through the real app or worker with the driver's command monitoring on, and prints the commands per
 * unit, the round trips waited for one after another ("serial"), the commands by name, and the target
 * (issue 15). Flows: a new answer, a changed answer, a sent email, the signed-in results page and the
 * API summary.
 *   npm run bench:commands [-- --contacts 200 --properties 3]
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import { createApp } from '../../server/boot/app.js';
import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { createSealer } from '../../server/lib/seal.js';
import { generateToken } from '../../server/lib/tokens.js';
import type { Mailer } from '../../server/sending/mailer.js';
import { insertSentInvitations, openBenchDatabase, traceCommands } from './bench-db.js';

const { values } = parseArgs({
  options: { contacts: { type: 'string', default: '200' }, properties: { type: 'string', default: '3' } },
});
const count = Number(values.contacts);
const propertyCount = Number(values.properties);

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WORKER_ENABLED: 'false' });
const db = await openBenchDatabase();
const silent = createLogger({ level: 'silent' });
const services = createServices({ config, logger: silent, models: db.models });
const app = createApp({ config, logger: silent, connection: db.connection, models: db.models, services });
const trace = traceCommands(db.connection);
const rows: string[] = [];

async function measure(name: string, units: number, target: string, run: () => Promise<void>) {
  trace.start();
  await run();
  const t = await trace.stop();
  const names = Object.entries(t.byName)
    .sort((a, b) => b[1] - a[1])
    .map(([n, k]) => `${n} ${(k / units).toFixed(2)}`)
    .join(', ');
  rows.push(
    `${name.padEnd(34)} ${(t.total / units).toFixed(2).padStart(6)} commands, ${(t.serial / units).toFixed(2).padStart(5)} serial   target ${target.padEnd(22)} (${names})`,
  );
}

try {
  const survey = await db.models.surveys.create({
    name: 'Bench',
    companyName: 'Acme',
    questions: { recommend: 'How likely are you to recommend {company}?', repurchase: 'Again?', reason: 'Why?' },
    status: 'active',
  });
  const properties = Object.fromEntries(Array.from({ length: propertyCount }, (_, i) => [`p${i}`, `v${i % 3}`]));
  const contactIds = Array.from({ length: count }, () => new mongoose.Types.ObjectId());
  await db.models.contacts.collection.insertMany(
    contactIds.map((_id, i) => ({ _id, email: `c${i}@example.com`, name: `C ${i}`, locale: '', properties })),
  );

  // Answers: invitations with known tokens, pages "served" 10 s ago.
  const tokens = await insertSentInvitations(db.models, survey._id, contactIds);
  const sealer = createSealer(config.tokenSecret, 'page-stamp');
  const stamp = () => sealer.seal(JSON.stringify({ servedAt: Date.now() - 10_000, key: generateToken() }));
  const answer = (token: string, score: number) =>
    request(app)
      .post(`/r/${token}`)
      .type('form')
      .send({ score: String(score), repurchase: 'probably_would', comment: 'Bench', stamp: stamp() })
      .expect(303);
  const n = Math.min(100, count);
  await measure(`new answer (${propertyCount} properties)`, n, '<= 5, <= 3 serial', async () => {
    for (let i = 0; i < n; i++) await answer(tokens[i]!, i % 11);
  });
  await measure('changed answer', n, '<= 5, <= 3 serial', async () => {
    for (let i = 0; i < n; i++) await answer(tokens[i]!, (i + 5) % 11);
  });

  // Sending: a second survey queued for every contact, sent by the real worker to a mailer that accepts.
  const second = await db.models.surveys.create({
    name: 'Bench 2',
    companyName: 'Acme',
    questions: { recommend: 'How likely?', repurchase: 'Again?', reason: 'Why?' },
    status: 'active',
  });
  await services.sendQueue.queue(String(second._id), { filters: [], throttleDays: 0 });
  const accepting: Mailer = { kind: 'smtp', send: () => Promise.resolve(), close: () => Promise.resolve() };
  const worker = services.newSendWorker({ mailer: accepting, policy: { concurrency: 20 } });
  await measure('sent email (batches of 20)', count, '<= 0.2', async () => {
    while ((await worker.runOnce()) > 0);
  });

  // Pages and API.
  await services.accounts.createUser({
    email: 'viewer@example.com',
    name: 'V',
    role: 'viewer',
    password: 'correct horse battery staple',
  });
  const agent = request.agent(app);
  const login = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent
    .post('/login')
    .type('form')
    .send({ _csrf: csrf, email: 'viewer@example.com', password: 'correct horse battery staple' })
    .expect(303);
  await agent.get(`/surveys/${String(survey._id)}/results`).expect(200); // warm caches, as a live app has
  await measure('results page, signed in', 10, '<= 4, <= 3 serial, no write', async () => {
    for (let i = 0; i < 10; i++) await agent.get(`/surveys/${String(survey._id)}/results`).expect(200);
  });
  await agent.get('/').expect(200);
  // The home dashboard reads for all surveys at once; its reads run side by side (few serial trips).
  await measure('home dashboard, signed in', 10, '<= 15, <= 5 serial, no write', async () => {
    for (let i = 0; i < 10; i++) await agent.get('/').expect(200);
  });
  const { key } = await createApiKeysService({ apiKeys: db.models.apiKeys, clock: services.clock }).create({
    name: 'BI',
    scope: 'read',
  });
  const summary = () =>
    request(app)
      .get(`/api/v1/surveys/${String(survey._id)}/summary`)
      .set('Authorization', `Bearer ${key}`)
      .expect(200);
  // Warm, as a key in use is: its rate-limit window and its lastUsedAt are written once a minute.
  await summary();
  await measure('API summary', 10, '<= 3', async () => {
    for (let i = 0; i < 10; i++) await summary();
  });

  console.log(`engine: ${db.engine}; ${count} contacts with ${propertyCount} properties each`);
  for (const row of rows) console.log(row);
} finally {
  await db.close();
}
