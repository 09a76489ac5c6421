/**
 * The background jobs on their own: npm run worker. Run as many as you like, on any machines that
 * reach the database; each invitation is sent by exactly one of them. Stops cleanly on SIGTERM/SIGINT
 * after finishing the messages in hand.
 */
import { startBackground } from '../server/boot/background.js';
import { loadConfigOrExit, openDatabaseOrExit, stopOnSignals } from '../server/boot/process.js';
import { createServices } from '../server/boot/services.js';
import { createLogger } from '../server/lib/logger.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel });
const db = await openDatabaseOrExit({ config, logger });
const services = createServices({ config, logger, models: db.models });
const background = startBackground(services);
logger.info({ worker: background.workerId, mailer: services.mailer.kind }, 'send worker started');

stopOnSignals(logger, async () => {
  await background.stop();
  await services.close();
  await db.close();
});
