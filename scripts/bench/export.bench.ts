/**
 * CSV export at scale: seeds 1,000,000 responses in one survey (size with --responses) with 50,000
 * contacts, then streams the export through the real exports service into a byte-counting sink and
 * prints rows/s and peak RSS. In the same run, a bare driver cursor reads the same documents, and the
 * ratio is printed.
 *   npm run bench:export [-- --responses 1000000]
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { systemClock } from '../../server/lib/clock.js';
import { createExportsService } from '../../server/exports/exports.service.js';
import { createAggregates } from '../../server/results/aggregates.js';
import { resultsQuerySchema } from '../../server/results/results.schemas.js';
import { seedDemo } from '../demo-data.js';
import { openBenchDatabase, trackPeakRss } from './bench-db.js';

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
    onProgress: (done) => process.stderr.write(`\rseeding ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`),
  });
  process.stderr.write('\n');
  const surveyId = seeded.surveyIds[0]!;
  const aggregates = createAggregates({ models: db.models, timeZone: 'UTC' });
  await aggregates.rebuild(surveyId);

  // Baseline: the same documents through a bare driver cursor.
  let started = performance.now();
  let bare = 0;
  for await (const _doc of db.models.responses.collection.find({ surveyId }).batchSize(1000)) bare++;
  const bareSeconds = (performance.now() - started) / 1000;

  const exportsService = createExportsService({ models: db.models, clock: systemClock, timeZone: 'UTC', aggregates });
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const stopRss = trackPeakRss();
  started = performance.now();
  const result = await exportsService.exportCsv({ survey: { id: String(surveyId), name: 'Bench' }, query: resultsQuerySchema.parse({ range: 'all' }), bom: false, userId: undefined, out: sink });
  const seconds = (performance.now() - started) / 1000;
  const rss = stopRss();

  const rate = result.rows / seconds;
  console.log(`engine: ${db.engine}; ${seeded.responses.toLocaleString('en')} responses, ${seeded.contacts.toLocaleString('en')} contacts`);
  console.log(`bare cursor read:  ${bare.toLocaleString('en')} documents in ${bareSeconds.toFixed(1)} s = ${Math.round(bare / bareSeconds).toLocaleString('en')} docs/s`);
  console.log(`CSV export:        ${result.rows.toLocaleString('en')} rows (${(bytes / 1e6).toFixed(0)} MB) in ${seconds.toFixed(1)} s = ${Math.round(rate).toLocaleString('en')} rows/s, peak RSS ${rss} MB`);
  console.log(`ratio export / bare read: ${(rate / (bare / bareSeconds)).toFixed(2)}`);
  console.log(`target: >= 50,000 rows/s and peak RSS < 200 MB -> ${rate >= 50_000 && rss < 200 ? 'met' : 'NOT met'}`);
} finally {
  await db.close();
}
