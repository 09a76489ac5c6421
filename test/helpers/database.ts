import { loadConfig } from '../../server/config.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import type { RunningServer } from '../../server/db/mongo-java-server.js';
import { createLogger } from '../../server/lib/logger.js';

/**
 * One database server for the whole test run: MONGODB_URI when set (tests use their own database name
 * on it), otherwise the embedded chain in memory (mongod if one can be had, else mongo-java-server).
 */
let server: RunningServer | undefined;
let uri: string | undefined;
let engine = '';

export async function startTestDatabase(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  if (config.mongodbUri) {
    uri = config.mongodbUri.replace(/\/([^/?]*)(\?|$)/, '/nps_test$2');
    engine = 'MONGODB_URI';
    return;
  }
  server = await startEmbeddedDatabase({ mode: config.embeddedDb, logger: createLogger({ level: 'warn' }) });
  uri = server.uri.replace(/\/nps$/, '/nps_test');
  engine = server.description;
}

export async function stopTestDatabase(): Promise<void> {
  await server?.stop();
}

export function testDatabaseUri(): string {
  if (!uri) throw new Error('test database not started (test/helpers/global-hooks.ts)');
  return uri;
}

export function testDatabaseEngine(): string {
  return engine;
}
