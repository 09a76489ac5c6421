/**
 * Imports contacts from a CSV file, streaming it (any size):
 *   npm run contacts:import -- contacts.csv
 * Prints progress while it runs, then the counts and the rows it skipped, with line numbers.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { ValidationError } from '../server/lib/errors.js';
import { closeCli, exitWith, openForCli } from './cli.js';

const file = process.argv[2];
if (!file || process.argv.length > 3) exitWith('usage: npm run contacts:import -- path/to/contacts.csv', 2);
if (!existsSync(file) || !statSync(file).isFile()) exitWith(`${file}: no such file`, 2);

const cli = await openForCli();
const importer = cli.services.contactImports;
const totalBytes = statSync(file).size;
const input = createReadStream(file);
const progress = (rows: number) => {
  const share = totalBytes > 0 ? Math.min(1, input.bytesRead / totalBytes) : 1;
  const width = 30;
  const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '-');
  process.stderr.write(`\r[${bar}] ${Math.round(share * 100)}%  ${rows.toLocaleString('en')} rows`);
};
try {
  const { report } = await importer.runImport(input, {
    source: 'cli',
    fileName: path.basename(file),
    onProgress: progress,
  });
  progress(report.rows);
  process.stderr.write('\n');
  process.stdout.write(
    `${report.rows} rows: ${report.created} created, ${report.updated} updated, ${report.skipped} skipped\n`,
  );
  for (const p of report.problems.slice(0, 50)) process.stdout.write(`  line ${p.line}: ${p.reason}\n`);
  if (report.skipped > 50)
    process.stdout.write(`  ... and ${report.skipped - 50} more skipped rows (see the import on the Contacts page)\n`);
} catch (err) {
  process.stderr.write('\n');
  if (err instanceof ValidationError) exitWith(err.message);
  throw err;
} finally {
  await closeCli(cli);
}
