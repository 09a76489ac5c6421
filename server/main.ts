import { createApp } from './boot/app.js';
import { startBackground } from './boot/background.js';
import { claimDataDir } from './boot/data-dir-lock.js';
import { closeServer, exitWith, loadConfigOrExit, openDatabaseOrExit, stopOnSignals } from './boot/process.js';
import { createServices } from './boot/services.js';
import { startingServer } from './boot/starting-server.js';
import { createLogger } from './lib/logger.js';

/**
 * npm start: configuration, database, services, the web app and (unless WORKER_ENABLED=false) the
 * background jobs in this process. Stops gracefully on SIGTERM/SIGINT (boot/process.ts).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger({ level: config.logLevel });
  if (config.generatedSessionSecretFile) {
    logger.info(
      `SESSION_SECRET is not set: using the random secret kept in ${config.generatedSessionSecretFile}. Set SESSION_SECRET (the same in every instance) before going live.`,
    );
  }

  // On the embedded database one web server per data folder: a second would attach to the first
  // one's database and lose it when the first stops.
  const lock = config.mongodbUri ? undefined : claimDataDir(config.dataDir, { pid: process.pid, url: config.baseUrl });
  if (lock && 'heldBy' in lock) {
    exitWith(
      `${config.dataDir} is already served by process ${lock.heldBy.pid} (${lock.heldBy.url}): stop it first, or start this one with another DATA_DIR`,
    );
  }
  const release = () => (lock && 'release' in lock ? lock.release() : undefined);
  process.once('exit', release);

  // Listening first: /healthz answers while the database opens, /readyz once the app is ready.
  const starting = startingServer();
  const server = starting.server.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  }).catch((err: unknown) => {
    exitWith(`cannot listen on ${config.host}:${config.port}: ${err instanceof Error ? err.message : String(err)}`);
  });
  logger.info(`accepting connections on ${config.baseUrl}; opening the database`);

  const opening = performance.now();
  const db = await openDatabaseOrExit({ config, logger, share: true });
  const openedMs = Math.round(performance.now() - opening);
  logger.info({ database: db.description, ms: openedMs }, `database: ${db.description} (${openedMs} ms)`);
  const services = createServices({ config, logger, models: db.models });
  const typed = await services.surveys.setMissingTypes();
  if (typed > 0) logger.info({ surveys: typed }, `${typed} surveys from before survey types marked as NPS surveys`);
  // Day counts depend on the reporting time zone: recount them if it changed since the last start.
  if (await services.aggregates.ensureTimeZone()) {
    logger.info({ timeZone: config.reportTimeZone }, `results recounted for REPORT_TIME_ZONE=${config.reportTimeZone}`);
  }
  starting.serve(createApp({ config, logger, connection: db.connection, models: db.models, services }));
  const needsSetup = !(await services.accounts.hasAnyUser());
  logger.info(
    { ms: Math.round(performance.now()) },
    `listening on ${config.baseUrl}${needsSetup ? ` - open ${config.baseUrl}/setup to create the first admin` : ''}`,
  );

  const background = config.workerEnabled ? startBackground(services) : undefined;
  if (background) {
    const kind = services.mailer.kind;
    logger.info(
      { mailer: kind },
      `send worker running in this process (${kind === 'outbox' ? 'no SMTP_URL: mail goes to the local outbox' : 'SMTP'})`,
    );
  }

  // In order: no new requests (in-flight ones finish, 10 s at most), background jobs finish what they
  // hold, then the mailer and the database (and the embedded server) close.
  stopOnSignals(logger, async () => {
    await closeServer(server);
    await background?.stop();
    await services.close();
    await db.close();
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
