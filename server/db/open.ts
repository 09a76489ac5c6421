import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'mongoose';

import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { connectDatabase } from './connect.js';
import { startEmbeddedDatabase } from './embedded.js';
import type { RunningServer } from './mongo-java-server.js';

export interface OpenDatabase {
  connection: Connection;
  /** Which database this is, for logs: "MONGODB_URI (db.example.com)", "mongo-java-server (H2 file ...)". */
  description: string;
  /** True on mongo-java-server, decided once here: only then are the emulator-only indexes created. */
  emulator: boolean;
  close(): Promise<void>;
}

/**
 * Opens the database the configuration asks for: MONGODB_URI when set; otherwise the embedded server
 * another process of ours already runs on the same data folder (so `npm run user:create` works while
 * `npm start` is up); otherwise a new embedded server. With `share`, a new embedded server is announced
 * in DATA_DIR/embedded-db.json for other processes until close().
 */
export async function openDatabase(options: {
  config: Config;
  logger: Logger;
  share?: boolean;
}): Promise<OpenDatabase> {
  const { config, logger } = options;
  let embedded: RunningServer | undefined;
  let uri: string;
  let description: string;
  const announcement = path.join(config.dataDir, 'embedded-db.json');

  if (config.mongodbUri) {
    uri = config.mongodbUri;
    description = 'MONGODB_URI';
  } else {
    const shared = await reachableAnnouncedServer(announcement, logger);
    if (shared) {
      uri = shared.uri;
      description = `${shared.description}, shared with process ${shared.pid}`;
    } else {
      embedded = await startEmbeddedDatabase({ mode: config.embeddedDb, dataDir: config.dataDir, logger });
      uri = embedded.uri;
      description = embedded.description;
      if (options.share) {
        mkdirSync(config.dataDir, { recursive: true });
        writeFileSync(announcement, JSON.stringify({ uri, description, pid: process.pid }));
      }
    }
  }

  let connection: Connection;
  try {
    connection = await connectDatabase(uri);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    connection,
    description,
    // mongo-java-server needs indexes MongoDB does not (boot/models.ts EMULATOR_ONLY_INDEXES).
    emulator: description.includes('mongo-java-server'),
    async close() {
      await connection.close();
      if (embedded) {
        if (options.share && readAnnouncement(announcement)?.pid === process.pid) rmSync(announcement, { force: true });
        await embedded.stop();
      }
    },
  };
}

interface Announcement {
  uri: string;
  description: string;
  pid: number;
}

function readAnnouncement(file: string): Announcement | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Announcement>;
    if (typeof value.uri === 'string' && typeof value.pid === 'number')
      return { uri: value.uri, pid: value.pid, description: String(value.description ?? 'embedded') };
  } catch {
    // A half-written or foreign file is ignored.
  }
  return undefined;
}

async function reachableAnnouncedServer(file: string, logger: Logger): Promise<Announcement | undefined> {
  const announced = readAnnouncement(file);
  if (!announced || announced.pid === process.pid) return undefined;
  try {
    process.kill(announced.pid, 0);
  } catch {
    rmSync(file, { force: true });
    return undefined;
  }
  try {
    const probe = await connectDatabase(announced.uri, { timeoutMs: 2000 });
    await probe.close();
    return announced;
  } catch {
    logger.debug({ file }, 'announced embedded database is not reachable; starting our own');
    return undefined;
  }
}
