import type { Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DatabaseUnreachableError } from './db/connect.js';
import { openDatabase, type OpenDatabase } from './db/open.js';
import { createLogger, type Logger } from './lib/logger.js';

/** Start-up failures people can fix get one plain line on stderr, not a stack trace. */
function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.usingDevSessionSecret) logger.warn('SESSION_SECRET is not set: using the development default. Set it before going live.');

  let db: OpenDatabase;
  try {
    db = await openDatabase({ config, logger, share: true });
  } catch (err) {
    if (err instanceof DatabaseUnreachableError) fail(err.message);
    fail(`could not start the embedded database: ${err instanceof Error ? err.message : String(err)}`);
  }
  logger.info({ database: db.description }, `database: ${db.description}`);

  const app = createApp({ config, logger, connection: db.connection, models: db.models });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (err: unknown) => {
    await db.close();
    fail(`cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const needsSetup = (await db.models.users.exists({})) === null;
  logger.info(`listening on ${config.baseUrl}${needsSetup ? ` - open ${config.baseUrl}/setup to create the first admin` : ''}`);

  installShutdown(server, db, logger);
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let in-flight requests finish (up to 10 s), then
 * close the database and the embedded server. A second signal exits at once.
 */
function installShutdown(server: Server, db: OpenDatabase, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
    server.close(() => {
      clearTimeout(force);
      db.close()
        .then(() => {
          logger.info('stopped');
          process.exit(0);
        })
        .catch((err: unknown) => {
          logger.error({ err }, 'error while closing the database');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
