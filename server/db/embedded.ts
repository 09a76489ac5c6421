import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '../lib/logger.js';
import { startMongoJavaServer, type RunningServer } from './mongo-java-server.js';

export type EmbeddedMode = 'auto' | 'mongod' | 'java';

/** How long we give mongodb-memory-server to find or download a mongod before falling back. */
const MONGOD_ATTEMPT_MS = 60_000;

/**
 * Starts the database used when MONGODB_URI is not set, in this order:
 * 1. a real mongod through mongodb-memory-server-core: MONGOMS_SYSTEM_BINARY, its cache, or a download
 *    (which fails within seconds when offline);
 * 2. mongo-java-server, built from Maven Central by scripts/embedded-mongo.
 * With `dataDir`, data survives a restart (mongod dbPath, or mongo-java-server's H2 file); without, it is in memory.
 */
export async function startEmbeddedDatabase(options: {
  mode: EmbeddedMode;
  dataDir?: string;
  logger: Logger;
}): Promise<RunningServer> {
  const { mode, dataDir, logger } = options;
  const javaFile = dataDir ? path.join(dataDir, 'mongo-java-server', 'nps.mv') : undefined;
  // Data kept by mongo-java-server stays with it, even if a mongod becomes available later.
  const keepJava = mode === 'auto' && javaFile !== undefined && existsSync(javaFile);
  if (mode !== 'java' && !keepJava) {
    try {
      return await startMongod(dataDir, logger);
    } catch (err) {
      if (mode === 'mongod') throw err;
      logger.info({ reason: firstLine(err) }, 'no mongod available; falling back to mongo-java-server');
    }
  }
  return startMongoJavaServer({ logger, ...(javaFile ? { file: javaFile } : {}) });
}

async function startMongod(dataDir: string | undefined, logger: Logger): Promise<RunningServer> {
  // mongodb-memory-server reads its own MONGOMS_* settings; one retry keeps an offline start quick.
  process.env.MONGOMS_MAX_RETRIES ??= '1';
  const { MongoBinary, MongoMemoryServer } = await import('mongodb-memory-server-core');
  const dbPath = dataDir ? path.join(dataDir, 'mongod') : undefined;
  const starting = (async () => {
    // Resolve (or download) the binary first: that fails quietly, where create() prints a stack trace.
    await MongoBinary.getPath();
    if (dbPath) mkdirSync(dbPath, { recursive: true });
    return MongoMemoryServer.create({
      instance: { ip: '127.0.0.1', ...(dbPath ? { dbPath, storageEngine: 'wiredTiger' as const } : {}) },
    });
  })();
  const giveUp = new AbortController();
  const timeout = sleep(MONGOD_ATTEMPT_MS, undefined, { signal: giveUp.signal }).then(() => {
    // If it does start after we gave up, do not leave it running.
    starting
      .then(
        (late) => late.stop(),
        () => undefined,
      )
      .catch(() => undefined);
    throw new Error(`mongod did not start within ${MONGOD_ATTEMPT_MS / 1000} s`);
  });
  timeout.catch(() => undefined);
  let server: Awaited<typeof starting>;
  try {
    server = await Promise.race([starting, timeout]);
  } finally {
    giveUp.abort();
  }
  logger.debug({ uri: server.getUri() }, 'mongod started');
  return {
    uri: `${server.getUri().replace(/\/$/, '')}/nps`,
    description: dbPath ? `mongod (data in ${dbPath})` : 'mongod (temporary)',
    async stop() {
      await server.stop({ doCleanup: !dbPath, force: false });
    },
  };
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
