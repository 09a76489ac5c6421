import type { Server } from 'node:http';

import { createApp } from './app.js';
import type { OpenDatabase } from './db/open.js';
import { systemClock } from './lib/clock.js';
import { createLogger, type Logger } from './lib/logger.js';
import { exitWith, loadConfigOrExit, openDatabaseOrExit } from './lib/startup.js';
import { createAggregates } from './results/aggregates.js';
import { createConfiguredWorker } from './sending/wiring.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel });
  if (config.usingDevSessionSecret)
    logger.warn('SESSION_SECRET is not set: using the development default. Set it before going live.');

  const db = await openDatabaseOrExit({ config, logger, share: true });
  logger.info({ database: db.description }, `database: ${db.description}`);
  // Day counts depend on the reporting time zone: recount them if it changed since the last start.
  if (await createAggregates({ models: db.models, timeZone: config.reportTimeZone }).ensureTimeZone()) {
    logger.info({ timeZone: config.reportTimeZone }, `results recounted for REPORT_TIME_ZONE=${config.reportTimeZone}`);
  }

  const app = createApp({ config, logger, connection: db.connection, models: db.models });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch(async (err: unknown) => {
    await db.close();
    exitWith(`cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
  });
  const needsSetup = (await db.models.users.exists({})) === null;
  logger.info(
    `listening on ${config.baseUrl}${needsSetup ? ` - open ${config.baseUrl}/setup to create the first admin` : ''}`,
  );

  const sending = config.workerEnabled ? createConfiguredWorker(config, db.models, logger, systemClock) : undefined;
  if (sending) {
    sending.worker.start();
    logger.info(
      { mailer: sending.mailerKind },
      `send worker running in this process (${sending.mailerKind === 'outbox' ? 'no SMTP_URL: mail goes to the local outbox' : 'SMTP'})`,
    );
  }

  installShutdown(server, db, logger, sending);
}

/**
 * On SIGTERM or SIGINT: stop accepting connections, let in-flight requests finish (up to 10 s), let the
 * send worker finish the messages in hand, then close the database and the embedded server. A second signal exits at once.
 */
function installShutdown(server: Server, db: OpenDatabase, logger: Logger, sending?: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => server.closeAllConnections(), 10_000).unref();
    server.close(() => {
      clearTimeout(force);
      Promise.resolve(sending?.stop())
        .then(() => db.close())
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
