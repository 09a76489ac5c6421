/**
 * Results pages at scale: seeds 1,000,000 responses in one survey (size with --responses), recounts
 * the day counts, then times the unfiltered results page (last 12 months), a property-filtered one
 * (plan = Pro), a segmented one, one broken down by an additional question's answer and the comments tab, each the median of --runs requests over HTTP by a signed-in
 * viewer. In the same run it times a plain countDocuments over the same responses as the baseline.
 * By default the survey has two additional questions (a choice and a rating) answered by most.
 *   npm run bench:results [-- --responses 1000000 --runs 5 --invitations --no-questions]
 */
import { parseArgs } from 'node:util';

import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import { seedDemo } from '../demo-data.js';
import { signedInApp } from './bench-app.js';
import { openBenchDatabase, trackPeakRss } from './bench-db.js';

const { values } = parseArgs({
  options: {
    responses: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    // With contacts and invitations too (about 1.5 invitations per response), for "who answered vs
    // who was invited" on the segmented page.
    invitations: { type: 'boolean', default: false },
    // Two additional questions (a single choice and a 1-5 rating) with answers (issue 17).
    questions: { type: 'boolean', default: true },
  },
});
const total = Number(values.responses);
const runs = Number(values.runs);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function timeRuns(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up, not counted
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

const db = await openBenchDatabase();
const stopRss = trackPeakRss();
try {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WORKER_ENABLED: 'false' });
  let started = performance.now();
  const seeded = await seedDemo(db.models, {
    responses: total,
    surveys: 1,
    months: 18,
    seed: 7,
    withInvitations: values.invitations,
    withQuestions: values.questions,
    now: new Date(),
    onProgress: (done) =>
      process.stderr.write(`\rseeding ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`),
  });
  process.stderr.write('\n');
  const seedSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const rebuilt = await db.services.aggregates.rebuild();
  const rebuildSeconds = (performance.now() - started) / 1000;
  const surveyId = seeded.surveyIds[0]!;

  const silent = createLogger({ level: 'silent' });
  const { agent, close } = await signedInApp(
    db,
    createServices({ config, logger: silent, models: db.models }),
    'viewer',
  );

  const page = async (query: string) => {
    const res = await agent.get(`/surveys/${String(surveyId)}/results${query}`);
    if (res.status !== 200) throw new Error(`results page answered ${res.status}`);
    return res;
  };
  const check = await page('?range=all');
  const n = /n = (\d+) responses/.exec(check.text)?.[1];

  const baseline = await timeRuns(() => db.models.responses.find({ surveyId }).countDocuments());
  const unfiltered = await timeRuns(() => page('?range=12m'));
  const allTime = await timeRuns(() => page('?range=all'));
  const filtered = await timeRuns(() => page('?range=12m&prop=plan&value=Pro'));
  const segmented = await timeRuns(() => page('?range=12m&segment=plan'));
  const byAnswer = values.questions
    ? await timeRuns(() => page(`?range=12m&segment=${encodeURIComponent('$q:q1')}`))
    : 0;
  const comments = await timeRuns(async () => {
    const res = await agent.get(`/surveys/${String(surveyId)}/results/comments?range=12m`);
    if (res.status !== 200) throw new Error(`comments tab answered ${res.status}`);
  });
  close();

  console.log(
    `engine: ${db.engine}; ${seeded.responses.toLocaleString('en')} responses in one survey (page shows n = ${n} counted, all time)`,
  );
  console.log(
    `seeding ${seedSeconds.toFixed(1)} s; recounting day counts ${rebuildSeconds.toFixed(1)} s (${rebuilt.days} survey-days)`,
  );
  console.log(
    `baseline find({ surveyId }).countDocuments():   ${baseline.toFixed(0).padStart(6)} ms (median of ${runs})`,
  );
  const row = (name: string, ms: number, target: number) =>
    console.log(
      `${name.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms   ratio to baseline ${(ms / baseline).toFixed(2)}   target < ${target} ms: ${ms < target ? 'met' : 'NOT met'}`,
    );
  row('results page, last 12 months, unfiltered', unfiltered, 300);
  row('results page, all time, unfiltered', allTime, 300);
  row('results page, plan = Pro (property filter)', filtered, 2000);
  row('results page, segmented by plan', segmented, 2000);
  if (values.questions) row('results page, NPS by answer to a question', byAnswer, 2000);
  row('comments tab, last 12 months (first page)', comments, 1000);
  console.log(`peak RSS of this process ${stopRss()} MB`);
} finally {
  await db.close();
}
