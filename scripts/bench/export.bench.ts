/**
 * CSV export at scale: seeds 1,000,000 responses in one survey (size with --responses) with 50,000
 * contacts, then streams the export through the real exports service into a byte-counting sink and
 * prints rows/s and peak RSS. In the same run, a bare driver cursor reads the same documents, and the
 * ratio is printed.
 *   npm run bench:export [-- --responses 1000000]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { seedDemo } from '../demo-data.js';
import { openBenchDatabase } from './bench-db.js';

const { values } = parseArgs({ options: { responses: { type: 'string', default: '1000000' } } });
const total = Number(values.responses);

const db = await openBenchDatabase();
try {
  const seeded = await seedDemo(db.models, {
    responses: total,
    surveys: 1,
    months: 18,
    seed: 11,
    withInvitations: false,
    withContacts: true,
    now: new Date(),
    onProgress: (done) =>
      process.stderr.write(`\rseeding ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`),
  });
  process.stderr.write('\n');
  const surveyId = seeded.surveyIds[0]!;
  const aggregates = db.services.aggregates;
  await aggregates.rebuild(surveyId);

  // Both reads run in a fresh child process each, so peak RSS is the export's own, not the seeding's.
  const run = (mode: string) => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./export-run.ts', import.meta.url)), mode, db.uri, String(surveyId)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    return JSON.parse(out.trim().split('\n').pop()!) as { rows: number; seconds: number; rss: number; bytes: number };
  };
  const bare = run('bare');
  const exported = run('export');
  const bareRate = bare.rows / bare.seconds;
  const rate = exported.rows / exported.seconds;
  console.log(
    `engine: ${db.engine}; ${seeded.responses.toLocaleString('en')} responses, ${seeded.contacts.toLocaleString('en')} contacts`,
  );
  console.log(
    `bare cursor read:  ${bare.rows.toLocaleString('en')} documents in ${bare.seconds.toFixed(1)} s = ${Math.round(bareRate).toLocaleString('en')} docs/s, peak RSS ${bare.rss} MB`,
  );
  console.log(
    `CSV export:        ${exported.rows.toLocaleString('en')} rows (${(exported.bytes / 1e6).toFixed(0)} MB) in ${exported.seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} rows/s, peak RSS ${exported.rss} MB`,
  );
  console.log(`ratio export / bare read: ${(rate / bareRate).toFixed(2)}`);
  console.log(
    `target: >= 50,000 rows/s and peak RSS < 200 MB -> ${rate >= 50_000 && exported.rss < 200 ? 'met' : 'NOT met'}`,
  );
} finally {
  await db.close();
}
