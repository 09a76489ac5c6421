/**
 * Builds the mongo-java-server launcher ahead of time (CI, Docker images), so the first `npm start` or
 * `npm test` does not wait for Maven. Safe to run again: it does nothing when the launcher is current.
 */
import { ensureLauncherBuilt } from '../server/db/mongo-java-server.js';
import { createLogger } from '../server/lib/logger.js';

await ensureLauncherBuilt(createLogger({ level: 'info' }));
process.stdout.write('mongo-java-server launcher is ready\n');
