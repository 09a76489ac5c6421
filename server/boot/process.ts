import type { Server } from 'node:http';

import { ConfigError, loadConfig, type Config } from '../config.js';
import { DatabaseUnreachableError } from '../db/connect.js';
import { openDatabase, type OpenDatabase } from '../db/open.js';
import type { Logger } from '../lib/logger.js';
import { createModels, ensureIndexes, type Models } from './models.js';

/**
 * Start-up and shutdown, written once for server/main.ts, npm run worker and the CLI scripts.
 * Failures a person can fix (bad configuration, unreachable database) get one plain line on stderr
 * and exit 1, not a stack trace.
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

export interface Database extends OpenDatabase {
  models: Models;
}

/** The configured database with every model bound and every index created (idempotent). */
export async function openModels(options: { config: Config; logger: Logger; share?: boolean }): Promise<Database> {
  const db = await openDatabase(options);
  const models = createModels(db.connection);
  try {
    const started = performance.now();
    await ensureIndexes(models, { emulator: db.emulator });
    const ms = Math.round(performance.now() - started);
    options.logger.info({ ms }, `indexes checked in ${ms} ms${db.emulator ? ' (with the emulator-only ones)' : ''}`);
  } catch (err) {
    await db.close();
    throw err;
  }
  return { ...db, models };
}

export async function openDatabaseOrExit(options: {
  config: Config;
  logger: Logger;
  share?: boolean;
}): Promise<Database> {
  try {
    return await openModels(options);
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) exitWith(err.message);
    exitWith(`could not start the embedded database: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Stops accepting connections and lets in-flight requests finish, for at most `graceMs`. */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The longest a graceful stop may take after SIGTERM or SIGINT (requests get 10 s of it). */
export const SHUTDOWN_TIMEOUT_MS = 20_000;

/**
 * On SIGTERM or SIGINT: runs `stop` (the caller's steps, in order: stop listening, let background
 * jobs finish what they hold, close the mailer and the database), logs "stopped" and exits 0; after
 * SHUTDOWN_TIMEOUT_MS it exits 1 whatever is left. A second signal exits at once.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Whatever hangs (a database that went away, a stuck job), the process ends within the timeout.
    setTimeout(() => {
      logger.error(`still stopping after ${SHUTDOWN_TIMEOUT_MS / 1000} s: exiting anyway`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    stop()
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'error while stopping');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => handle('SIGTERM'));
  process.on('SIGINT', () => handle('SIGINT'));
}
