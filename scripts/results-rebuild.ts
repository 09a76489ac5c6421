/**
 * Recounts the per-day result counts from the responses (all surveys, or one with --survey <id>).
 * For repair: after a crash between a response write and its count, or after restoring responses.
 *   npm run results:rebuild [-- --survey <id>]
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';

import { closeCli, exitWith, openForCli } from './cli.js';

const { values } = parseArgs({ options: { survey: { type: 'string' } } });
if (values.survey !== undefined && !mongoose.isValidObjectId(values.survey))
  exitWith(`--survey: expected a survey id such as 6650f0c2a1b2c3d4e5f60718 (got "${values.survey}")`);
const cli = await openForCli({ share: true });
const { config } = cli;
try {
  const started = performance.now();
  const result = await cli.services.aggregates.rebuild(
    values.survey ? new mongoose.Types.ObjectId(values.survey) : undefined,
  );
  console.log(
    `recounted ${result.responses} responses into ${result.days} survey-days (${config.reportTimeZone}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} finally {
  await closeCli(cli);
}
