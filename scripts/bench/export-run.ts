/** One measured read for export.bench.ts, in its own process: `bare` or `export`, database URI, survey id. Prints JSON. */
import { Writable } from 'node:stream';
import mongoose from 'mongoose';

import { createModels } from '../../server/boot/models.js';
import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';
import { createLogger } from '../../server/lib/logger.js';
import { resultsQuerySchema } from '../../server/results/results.schemas.js';
import { trackPeakRss } from './bench-db.js';

const [mode, uri, surveyIdText] = process.argv.slice(2) as [string, string, string];
const connection = await connectDatabase(uri);
const models = createModels(connection);
const surveyId = new mongoose.Types.ObjectId(surveyIdText);
const stopRss = trackPeakRss();
const started = performance.now();
let rows = 0;
let bytes = 0;
if (mode === 'bare') {
  for await (const _doc of models.responses.collection.find({ surveyId }).batchSize(1000)) rows++;
} else {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  const config = loadConfig({ REPORT_TIME_ZONE: 'UTC' });
  const exportsService = createServices({ config, logger: createLogger({ level: 'warn' }), models }).exports;
  rows = (
    await exportsService.exportCsv({
      survey: { id: surveyIdText, name: 'Bench' },
      query: resultsQuerySchema.parse({ range: 'all' }),
      bom: false,
      userId: undefined,
      out: sink,
    })
  ).rows;
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ rows, seconds, rss: stopRss(), bytes }));
await connection.close();
