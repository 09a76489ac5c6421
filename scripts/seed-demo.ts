/**
 * A living demo dashboard in one command: surveys, contacts, invitations and 50,000 responses over 18
 * months (size with --responses), with plans, regions, comments, repurchase answers and trends that
 * differ by segment. Adds to what is there; --reset first removes earlier demo data.
 *   npm run seed:demo [-- --responses 50000 --surveys 3 --months 18 --seed 42 --reset]
 */
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';

import { closeCli, exitWith, openForCli } from './cli.js';
import { seedDemo } from './demo-data.js';
import { seedFollowUps } from './demo-followups.js';

const { values } = parseArgs({
  options: {
    responses: { type: 'string', default: '50000' },
    surveys: { type: 'string', default: '3' },
    months: { type: 'string', default: '18' },
    seed: { type: 'string', default: '42' },
    reset: { type: 'boolean', default: false },
  },
});
const whole = (name: string, raw: string, min: number, max: number) => {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max)
    exitWith(`--${name}: expected a whole number from ${min} to ${max} (got "${raw}")`);
  return n;
};
const responses = whole('responses', values.responses, 1, 10_000_000);
const surveys = whole('surveys', values.surveys, 1, 20);
const months = whole('months', values.months, 1, 120);
const seed = whole('seed', values.seed, 0, 2 ** 31);

const cli = await openForCli({ share: true });
const { config } = cli;
try {
  // Demo data is a fixture: it is written straight into the collections in bulk (demo-data.ts), then
  // counted by the results domain like any restored data.
  const { models } = cli.db;
  if (values.reset) {
    const old = await models.surveys
      .find({ name: /\(demo\)/ })
      .select('_id')
      .lean();
    const ids = old.map((s) => s._id);
    const inIds = mongoose.trusted({ $in: ids });
    await models.followUps.deleteMany({ surveyId: inIds });
    await models.responses.deleteMany({ surveyId: inIds });
    await models.invitations.deleteMany({ surveyId: inIds });
    await models.responseDays.deleteMany({ surveyId: inIds });
    await models.surveys.deleteMany({ _id: inIds });
    await models.contacts.deleteMany({ email: /@demo\.example$/ });
    console.log(`removed ${ids.length} demo surveys and their data`);
  }
  const started = performance.now();
  const result = await seedDemo(models, {
    responses,
    surveys,
    months,
    seed,
    withInvitations: true,
    now: new Date(),
    onProgress: (done, total) => {
      const share = done / total;
      process.stderr.write(
        `\r[${'#'.repeat(Math.round(share * 30)).padEnd(30, '.')}] ${Math.round(share * 100)}%  ${done.toLocaleString('en')} responses`,
      );
    },
  });
  process.stderr.write('\n');
  const cases = await seedFollowUps(models, result.surveyIds, new Date());
  const aggregates = cli.services.aggregates;
  for (const id of result.surveyIds) await aggregates.rebuild(id);
  await aggregates.ensureTimeZone();
  console.log(
    `demo data: ${result.surveyIds.length} surveys, ${result.contacts.toLocaleString('en')} contacts, ${result.invitations.toLocaleString('en')} invitations, ` +
      `${result.responses.toLocaleString('en')} responses, ${cases.toLocaleString('en')} follow-up cases in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  if ((await models.users.estimatedDocumentCount()) === 0)
    console.log(`no user yet: run npm start and open ${config.baseUrl}/setup to create the first admin`);
  else console.log(`open ${config.baseUrl}/surveys`);
} finally {
  await closeCli(cli);
}
