/**
 * CSV contact import at scale: writes a 100,000-row file (size with --rows), imports it through the
 * real import service, and prints rows/s and peak RSS. In the same run, a bare baseline upserts the
 * same rows with plain bulkWrite (no parsing, no validation) so the ratio shows our overhead.
 *   npm run bench:import [-- --rows 100000]
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { countCommands, openBenchDatabase, trackPeakRss } from './bench-db.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const PLANS = ['Free', 'Pro', 'Enterprise'];
const REGIONS = ['EU', 'US', 'APAC'];

async function writeFile(file: string): Promise<void> {
  const out = createWriteStream(file);
  out.write('\uFEFFemail,name,locale,plan,region,signup\r\n');
  for (let i = 0; i < rows; i++) {
    const line = `customer${i}@example.com,"Customer ${i}, Ltd",${i % 5 === 0 ? 'de' : 'en'},${PLANS[i % 3]},${REGIONS[i % 3]},2025-${String((i % 12) + 1).padStart(2, '0')}-01\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'nps-bench-'));
const file = path.join(dir, 'contacts.csv');
await writeFile(file);
const db = await openBenchDatabase();
try {
  const importer = db.services.contactImports;
  const stopRss = trackPeakRss();
  const commands = countCommands(db.connection);
  let started = performance.now();
  const report = await importer.importCsv(createReadStream(file), {
    onProgress: (n) =>
      process.stderr.write(`\r  imported ${n.toLocaleString('en')} of ${rows.toLocaleString('en')} rows`),
  });
  const importSeconds = (performance.now() - started) / 1000;
  const importCommands = commands.per(rows, 'row');
  const peakMb = stopRss();
  process.stderr.write('\n');
  if (report.created !== rows || report.skipped !== 0)
    throw new Error(`unexpected report: ${JSON.stringify(report).slice(0, 300)}`);

  // Bare baseline: the same upserts, built in memory, no CSV and no validation.
  await db.models.contacts.deleteMany({});
  started = performance.now();
  for (let i = 0; i < rows; i += 1000) {
    const ops = [];
    for (let j = i; j < Math.min(rows, i + 1000); j++) {
      ops.push({
        updateOne: {
          filter: { email: `customer${j}@example.com` },
          update: {
            $set: {
              name: `Customer ${j}, Ltd`,
              locale: 'en',
              'properties.plan': PLANS[j % 3]!,
              'properties.region': REGIONS[j % 3]!,
            },
          },
          upsert: true,
        },
      });
    }
    await db.connection.db!.collection('contacts').bulkWrite(ops, { ordered: false });
  }
  const bareSeconds = (performance.now() - started) / 1000;

  const importRate = rows / importSeconds;
  const bareRate = rows / bareSeconds;
  console.log(`engine: ${db.engine}`);
  console.log(
    `contacts import: ${rows.toLocaleString('en')} rows in ${importSeconds.toFixed(1)} s = ${Math.round(importRate).toLocaleString('en')} rows/s, peak RSS ${peakMb} MB`,
  );
  console.log(
    `bare bulkWrite upserts: ${bareSeconds.toFixed(1)} s = ${Math.round(bareRate).toLocaleString('en')} rows/s`,
  );
  console.log(`database while importing: ${importCommands}`);
  console.log(`ratio import / bare: ${(importRate / bareRate).toFixed(2)}`);
} finally {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}
