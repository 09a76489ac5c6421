import { Writable } from 'node:stream';
import type { Express } from 'express';
import type { Connection } from 'mongoose';

import { createApp } from '../../server/boot/app.js';
import { createModels, ensureIndexes, type Models } from '../../server/boot/models.js';
import { createServices, type Services } from '../../server/boot/services.js';
import { loadConfig, type Config } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';
import { createLogger, type Logger } from '../../server/lib/logger.js';
import { TestClock } from './clock.js';
import { testDatabaseEngine, testDatabaseUri } from './database.js';
import { recordQueryShapes } from './query-shapes.js';

export interface TestContext {
  app: Express;
  config: Config;
  logger: Logger;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
  clock: TestClock;
  connection: Connection;
  models: Models;
  /** The services the app runs on (the same ones a worker would use). */
  services: Services;
  /** Empties every collection, sessions included. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real app against the test database, with captured logs and a movable clock.
 * `env` overrides configuration the way environment variables would.
 */
export async function createTestContext(
  env: Record<string, string> = {},
  options: { liveClock?: boolean } = {},
): Promise<TestContext> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination: sink });
  const uri = testDatabaseUri();
  const connection = await connectDatabase(`${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`);
  recordQueryShapes(connection);
  const models = createModels(connection);
  await ensureIndexes(models, { emulator: testDatabaseEngine().includes('mongo-java-server') });
  const clock = new TestClock(new Date(), { live: options.liveClock === true });
  const services = createServices({ config, logger, models, clock });
  const app = createApp({ config, logger, connection, models, services });
  return {
    app,
    config,
    logger,
    logs,
    clock,
    connection,
    models,
    services,
    async reset() {
      const collections = await connection.db!.collections();
      await Promise.all(collections.map((c) => c.deleteMany({})));
      logs.length = 0;
    },
    async close() {
      await connection.close();
    },
  };
}

/**
 * The usual test-file set-up: one context for the file (filled in before the first test), an empty
 * database before each test, closed after the last.
 */
export function useTestContext(env: Record<string, string> = {}, options: { liveClock?: boolean } = {}): TestContext {
  const ctx = {} as TestContext;
  before(async () => {
    Object.assign(ctx, await createTestContext(env, options));
  });
  beforeEach(() => ctx.reset());
  after(() => ctx.close());
  return ctx;
}
