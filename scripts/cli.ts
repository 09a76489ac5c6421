import { loadConfigOrExit, openDatabaseOrExit, type Database } from '../server/boot/process.js';
import { createServices, type Services } from '../server/boot/services.js';
import type { Config } from '../server/config.js';
import { createLogger, type Logger } from '../server/lib/logger.js';

export { exitWith } from '../server/boot/process.js';

/**
 * Shared start of every CLI script: configuration, database and services, or one clear line and exit
 * 1. `share` announces an embedded database this script starts, so a later `npm start` on the same
 * data folder uses it too.
 */
export async function openForCli(options: { share?: boolean } = {}): Promise<{
  config: Config;
  logger: Logger;
  db: Database;
  services: Services;
}> {
  const config = loadConfigOrExit();
  // Scripts print for people; only warnings and worse go to the JSON log.
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const db = await openDatabaseOrExit({ config, logger, ...(options.share ? { share: true } : {}) });
  const services = createServices({ config, logger, models: db.models });
  return { config, logger, db, services };
}

/** Closes what openForCli opened. */
export async function closeCli(cli: { db: Database; services: Services }): Promise<void> {
  await cli.services.close();
  await cli.db.close();
}
