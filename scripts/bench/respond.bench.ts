/**
 * Score submissions over HTTP: creates invitations, then drives POST /r/<token> (score, repurchase
 * answer, comment, page stamp) through the real app with autocannon, one new invitation per request,
 * and prints submissions/s and latency percentiles. In the same run, a bare Express handler doing
 * the same database write (one insert into responses) is driven the same way, and the ratio is printed.
 *   npm run bench:respond [-- --seconds 10 --connections 20 --invitations 40000]
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import express, { type Express } from 'express';
import mongoose from 'mongoose';

import { createApp } from '../../server/boot/app.js';
import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { createSealer } from '../../server/lib/seal.js';
import { generateToken } from '../../server/lib/tokens.js';
import { categoryOf, type RepurchaseAnswer } from '../../server/vocabulary/answers.js';
import { countCommands, insertSentInvitations, openBenchDatabase } from './bench-db.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    invitations: { type: 'string', default: '40000' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const count = Number(values.invitations);

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WORKER_ENABLED: 'false' });
const db = await openBenchDatabase();

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Drives POST /r/<token> with a fresh token per request; returns autocannon's result. */
async function drive(url: string, tokens: string[], stamps: string[]) {
  let next = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const i = next++ % tokens.length;
          return {
            ...req,
            path: `/r/${tokens[i]}`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `score=${i % 11}&repurchase=probably_would&comment=Bench+comment+${i}&stamp=${encodeURIComponent(stamps[i]!)}`,
          };
        },
      },
    ],
  });
}

function report(name: string, result: autocannon.Result) {
  const redirects = result.statusCodeStats?.['303' as keyof typeof result.statusCodeStats]?.count ?? 0;
  console.log(
    `${name.padEnd(28)} ${result.requests.average.toFixed(0).padStart(6)} submissions/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   ` +
      `(${result.requests.total} requests, ${redirects} answered with 303, ${result.errors} errors, ${result.timeouts} timeouts)`,
  );
  return result;
}

try {
  const survey = await db.models.surveys.create({
    name: 'Bench',
    companyName: 'Acme',
    questions: {
      recommend: 'How likely are you to recommend {company} to a friend or colleague?',
      repurchase: 'Would you buy from {company} again?',
      reason: 'Why?',
    },
    status: 'active',
  });
  const contactIds = Array.from({ length: count }, () => new mongoose.Types.ObjectId());
  await db.models.contacts.collection.insertMany(
    contactIds.map((_id, i) => ({
      _id,
      email: `customer${i}@example.com`,
      name: `Customer ${i}`,
      locale: '',
      properties: { plan: 'Pro' },
    })),
  );
  const tokens = await insertSentInvitations(db.models, survey._id, contactIds);
  // Pages "served" 10 s ago, as if each customer read the page before answering.
  const sealer = createSealer(config.tokenSecret, 'page-stamp');
  const stamps = tokens.map(() => sealer.seal(JSON.stringify({ servedAt: Date.now() - 10_000, key: generateToken() })));

  // Bare baseline: Express, a form parser and the same insert, nothing else.
  const bare = express();
  bare.post('/r/:token', express.urlencoded({ extended: false }), async (req, res) => {
    const body = req.body as Record<string, string>;
    const score = Number(body.score);
    const now = new Date();
    await db.models.responses.create({
      surveyId: survey._id,
      score,
      category: categoryOf(score),
      repurchase: body.repurchase as RepurchaseAnswer,
      comment: body.comment,
      channel: 'email',
      submittedAt: now,
      firstSubmittedAt: now,
    });
    res.redirect(303, `/r/${req.params.token}/thanks`);
  });
  const silent = createLogger({ level: 'silent' });
  const app = createApp({
    config,
    logger: silent,
    connection: db.connection,
    models: db.models,
    services: createServices({ config, logger: silent, models: db.models }),
  });

  console.log(`engine: ${db.engine}; ${connections} connections, ${seconds} s per run, ${count} invitations`);
  const bareServer = await listen(bare);
  const baseline = report('bare Express + insert', await drive(bareServer.url, tokens, stamps));
  bareServer.server.close();
  await db.models.responses.deleteMany({});

  const appServer = await listen(app);
  const commands = countCommands(db.connection);
  const ours = report('our app (POST /r/<token>)', await drive(appServer.url, tokens, stamps));
  // Let the last requests' writes that are not awaited (the counts settle) arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 500));
  appServer.server.closeAllConnections();
  appServer.server.close();

  const stored = await db.models.responses.countDocuments({});
  const duplicates = await db.models.responses.aggregate<{ n: number }>([
    { $group: { _id: '$invitationId', n: { $sum: 1 } } },
    { $match: { n: { $gt: 1 } } },
  ]);
  console.log(`stored responses: ${stored} (${duplicates.length} invitations with more than one)`);
  console.log(`database per stored response: ${commands.per(stored, 'submission')}`);
  console.log(
    `ratio ours / bare: throughput ${(ours.requests.average / baseline.requests.average).toFixed(2)}, p99 ${(ours.latency.p99 / baseline.latency.p99).toFixed(2)}x`,
  );
  console.log(
    `target: >= 1000 submissions/s with p99 < 100 ms -> ${ours.requests.average >= 1000 && ours.latency.p99 < 100 ? 'met' : 'NOT met'}`,
  );
} finally {
  await db.close();
}
