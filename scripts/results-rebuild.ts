/**
 * Recounts the per-day result counts from the responses (all surveys, or one with --survey <id>).
 * For repair: after a crash between a response write and its count, or after restoring responses.
 *   npm run results:rebuild [-- --survey <id>]
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';

import { exitWith, loadConfigOrExit, openDatabaseOrExit } from '../server/boot/process.js';
import { createLogger } from '../server/lib/logger.js';
import { createAggregates } from '../server/results/aggregates.js';

const { values } = parseArgs({ options: { survey: { type: 'string' } } });
if (values.survey !== undefined && !mongoose.isValidObjectId(values.survey))
  exitWith(`--survey: expected a survey id such as 6650f0c2a1b2c3d4e5f60718 (got "${values.survey}")`);
const config = loadConfigOrExit();
const db = await openDatabaseOrExit({ config, logger: createLogger({ level: 'warn' }), share: true });
try {
  const started = performance.now();
  const aggregates = createAggregates({ models: db.models, timeZone: config.reportTimeZone });
  const result = await aggregates.rebuild(values.survey ? new mongoose.Types.ObjectId(values.survey) : undefined);
  if (!values.survey)
    await db.models.aggregateMeta.updateOne(
      { _id: 'days' },
      { $set: { timeZone: config.reportTimeZone, rebuiltAt: new Date() } },
      { upsert: true },
    );
  console.log(
    `recounted ${result.responses} responses into ${result.days} survey-days (${config.reportTimeZone}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await db.close();
}
