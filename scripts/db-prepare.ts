/**
 * Builds the mongo-java-server launcher ahead of time, so the first `npm start` or `npm test` does not
 * wait for Maven. Runs after `npm install` (with --if-possible: a machine without Java or Maven, or
 * offline, gets a note instead of a failed install; it can still use MONGODB_URI or a mongod).
 * Safe to run again: it does nothing when the launcher is current.
 */
import { ensureLauncherBuilt } from '../server/db/mongo-java-server.js';
import { createLogger } from '../server/lib/logger.js';

const ifPossible = process.argv.includes('--if-possible');
try {
  await ensureLauncherBuilt(createLogger({ level: 'warn' }));
  process.stdout.write('embedded database: mongo-java-server launcher is ready\n');
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  if (!ifPossible) {
    process.stderr.write(`error: ${message}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `note: the mongo-java-server launcher was not built (${message.split('\n')[0]}). ` +
      'npm start will retry; or set MONGODB_URI.\n',
  );
}
