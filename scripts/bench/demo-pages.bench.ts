/**
 * The demo as a new manager meets it: seeds the demo size (3 surveys, about 33,000 contacts, 74,000
 * invitations, 50,000 responses and their follow-up cases) into a fresh data folder on the default
 * embedded database (mongo-java-server on an H2 file, as npm start runs it; MONGODB_URI to use a real
 * MongoDB), starts the background jobs as npm start does, then times each page a signed-in manager
 * opens: the first load, then the median and worst of --runs. The baseline is GET /healthz in the
 * same run.
 *   npm run bench:demo [-- --runs 5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { startBackground } from '../../server/boot/background.js';
import { seedDemo } from '../demo-data.js';
import { seedFollowUps } from '../demo-followups.js';
import { signedInApp } from './bench-app.js';
import { openBenchDatabase } from './bench-db.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

async function timed(fn: () => Promise<unknown>): Promise<{ first: number; median: number; worst: number }> {
  const once = async () => {
    const t = performance.now();
    await fn();
    return performance.now() - t;
  };
  const first = await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  return { first, median: times[Math.floor(times.length / 2)]!, worst: times[times.length - 1]! };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'nps-bench-demo-'));
const db = await openBenchDatabase({ dataDir });
try {
  let started = performance.now();
  const now = new Date();
  const seeded = await seedDemo(db.models, {
    responses: 50_000,
    surveys: 3,
    months: 18,
    seed: 1,
    withInvitations: true,
    now,
  });
  const cases = await seedFollowUps(db.models, seeded.surveyIds, now);
  await db.services.aggregates.rebuild();
  const seedSeconds = (performance.now() - started) / 1000;

  const { agent, close } = await signedInApp(db, db.services, 'manager');
  // The send worker, reminders, repair and the other jobs run beside the pages, as in npm start.
  const background = startBackground(db.services);
  const get = (url: string) => async () => {
    const res = await agent.get(url);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  };
  const survey = `/surveys/${String(seeded.surveyIds[0])}`;
  const pages: [string, string, number][] = [
    ['overview (/surveys)', '/surveys', 2000],
    ['survey page', survey, 2000],
    ['results, last 12 months', `${survey}/results?range=12m`, 2000],
    ['results, plan = Pro', `${survey}/results?range=12m&prop=plan&value=Pro`, 2000],
    ['results, segmented by plan', `${survey}/results?range=12m&segment=plan`, 1000],
    ['comments tab, last 12 months', `${survey}/results/comments?range=12m`, 2000],
    ['follow-ups list', '/follow-ups', 2000],
    ['home dashboard, all surveys', '/', 2000],
    ['home dashboard, one survey', `/?survey=${String(seeded.surveyIds[0])}`, 2000],
  ];
  started = performance.now();
  const baseline = await timed(get('/healthz'));
  const results = [];
  for (const [name, url, target] of pages) results.push({ name, target, ...(await timed(get(url))) });
  await background.stop();
  close();

  console.log(`engine: ${db.engine} on ${dataDir}; background jobs running`);
  console.log(
    `seeded ${seeded.surveyIds.length} surveys, ${seeded.contacts.toLocaleString('en')} contacts, ` +
      `${seeded.invitations.toLocaleString('en')} invitations, ${seeded.responses.toLocaleString('en')} responses, ` +
      `${cases.toLocaleString('en')} follow-up cases in ${seedSeconds.toFixed(1)} s (with the recount)`,
  );
  console.log(`baseline GET /healthz: median ${baseline.median.toFixed(1)} ms of ${runs}`);
  console.log(
    `${'page'.padEnd(30)} ${'first'.padStart(8)} ${'median'.padStart(8)} ${'worst'.padStart(8)}   ratio  target`,
  );
  for (const r of results)
    console.log(
      `${r.name.padEnd(30)} ${r.first.toFixed(0).padStart(6)} ms ${r.median.toFixed(0).padStart(5)} ms ${r.worst.toFixed(0).padStart(5)} ms` +
        `  ${(r.median / baseline.median).toFixed(0).padStart(5)}x  < ${r.target} ms: ${Math.max(r.first, r.worst) < r.target ? 'met' : 'NOT met'}`,
    );
} finally {
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
}
