/**
 * A send worker on its own: npm run worker. Run as many as you like, on any machines that reach the
 * database; each invitation is sent by exactly one of them. Stops cleanly on SIGTERM/SIGINT after
 * finishing the messages in hand.
 */
import { systemClock } from '../server/lib/clock.js';
import { createLogger } from '../server/lib/logger.js';
import { createConfiguredWorker } from '../server/sending/wiring.js';
import { openForCli } from './cli.js';

const { config, db } = await openForCli();
const logger = createLogger({ level: config.logLevel });
const sending = createConfiguredWorker(config, db.models, logger, systemClock);
sending.worker.start();
logger.info({ worker: sending.worker.id, mailer: sending.mailerKind }, 'send worker started');

let stopping = false;
const stop = (signal: string) => {
  if (stopping) process.exit(1);
  stopping = true;
  logger.info({ signal }, 'send worker stopping after the messages in hand');
  sending
    .stop()
    .then(() => db.close())
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      logger.error({ err }, 'error while stopping');
      process.exit(1);
    });
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
