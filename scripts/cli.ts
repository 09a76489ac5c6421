import { loadConfig, ConfigError, type Config } from '../server/config.js';
import { DatabaseUnreachableError } from '../server/db/connect.js';
import { openDatabase, type OpenDatabase } from '../server/db/open.js';
import { createLogger, type Logger } from '../server/lib/logger.js';

/** Shared start of every CLI script: configuration and database, or one clear line and exit 1. */
export async function openForCli(): Promise<{ config: Config; logger: Logger; db: OpenDatabase }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWith(err.message);
    throw err;
  }
  // Scripts print for people; only warnings and worse go to the JSON log.
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  try {
    const db = await openDatabase({ config, logger });
    return { config, logger, db };
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) exitWith(err.message);
    throw err;
  }
}

export function exitWith(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}
