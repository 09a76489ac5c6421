import type { Config } from '../server/config.js';
import type { OpenDatabase } from '../server/db/open.js';
import { createLogger, type Logger } from '../server/lib/logger.js';
import { loadConfigOrExit, openDatabaseOrExit } from '../server/lib/startup.js';

export { exitWith } from '../server/lib/startup.js';

/** Shared start of every CLI script: configuration and database, or one clear line and exit 1. */
export async function openForCli(): Promise<{ config: Config; logger: Logger; db: OpenDatabase }> {
  const config = loadConfigOrExit();
  // Scripts print for people; only warnings and worse go to the JSON log.
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const db = await openDatabaseOrExit({ config, logger });
  return { config, logger, db };
}
