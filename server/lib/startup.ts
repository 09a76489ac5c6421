import { ConfigError, loadConfig, type Config } from '../config.js';
import { DatabaseUnreachableError } from '../db/connect.js';
import { openDatabase, type OpenDatabase } from '../db/open.js';
import type { Logger } from './logger.js';

/**
 * Start-up helpers shared by server/main.ts and the CLI scripts. Failures a person can fix (bad
 * configuration, unreachable database) get one plain line on stderr and exit 1, not a stack trace.
 */
export function exitWith(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) exitWith(err.message);
    throw err;
  }
}

export async function openDatabaseOrExit(options: {
  config: Config;
  logger: Logger;
  share?: boolean;
}): Promise<OpenDatabase> {
  try {
    return await openDatabase(options);
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) exitWith(err.message);
    exitWith(`could not start the embedded database: ${err instanceof Error ? err.message : String(err)}`);
  }
}
