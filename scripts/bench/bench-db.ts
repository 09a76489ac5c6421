import type { Connection, Types } from 'mongoose';

import { createModels, ensureIndexes, type Models } from '../../server/boot/models.js';
import { createServices } from '../../server/boot/services.js';
import { loadConfig } from '../../server/config.js';
import { connectDatabase } from '../../server/db/connect.js';
import { startEmbeddedDatabase } from '../../server/db/embedded.js';
import { createLogger } from '../../server/lib/logger.js';
import { generateToken, hashToken } from '../../server/lib/tokens.js';

/**
 * The database a benchmark runs against: MONGODB_URI when set, else a fresh in-memory embedded server
 * (or, with `dataDir`, the embedded server on that folder's file, as npm start runs it).
 */
export async function openBenchDatabase(options: { dataDir?: string } = {}) {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn' });
  const embedded = config.mongodbUri
    ? undefined
    : await startEmbeddedDatabase({
        mode: config.embeddedDb,
        logger,
        ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      });
  const uri = config.mongodbUri ?? embedded!.uri.replace(/\/nps$/, '/nps_bench');
  // The driver reports every command it sends, so a benchmark can count database work per unit.
  const connection = await connectDatabase(`${uri}${uri.includes('?') ? '&' : '?'}monitorCommands=true`);
  const models = createModels(connection);
  await ensureIndexes(models, { emulator: embedded?.description.includes('mongo-java-server') ?? false });
  return {
    uri,
    models,
    connection,
    /** The app's services on this database (quiet logs, the configuration of the environment). */
    services: createServices({ config, logger, models }),
    config,
    engine: embedded?.description ?? 'MONGODB_URI',
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
}

/** Samples resident memory every 50 ms; returns the peak in MB when stopped. */
export function trackPeakRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024);
  };
}

/** Counts the database commands the driver sends (by name) from the last reset. */
export function countCommands(connection: Connection) {
  const counts = new Map<string, number>();
  connection.getClient().on('commandStarted', (e) => counts.set(e.commandName, (counts.get(e.commandName) ?? 0) + 1));
  return {
    reset: () => counts.clear(),
    /** "12,345 commands = 2.47 per message (update 1.00, find 0.80, ...)" */
    per(units: number, unit: string): string {
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const parts = [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([name, n]) => `${name} ${(n / units).toFixed(3)}`);
      return `${total.toLocaleString('en')} commands = ${(total / units).toFixed(3)} per ${unit} (${parts.join(', ')})`;
    },
  };
}

/**
 * Records the commands the driver sends between start() and stop(): how many, by name, and how many
 * round trips the caller waited for one after another ("serial": commands that overlap in time count
 * once).
 */
export function traceCommands(connection: Connection) {
  const started = new Map<number, { name: string; at: number }>();
  let spans: { name: string; from: number; to: number }[] = [];
  let on = false;
  const client = connection.getClient();
  client.on('commandStarted', (e) => {
    if (on) started.set(e.requestId, { name: e.commandName, at: performance.now() });
  });
  const done = (e: { requestId: number }) => {
    const s = started.get(e.requestId);
    if (!s) return;
    started.delete(e.requestId);
    spans.push({ name: s.name, from: s.at, to: performance.now() });
  };
  client.on('commandSucceeded', done);
  client.on('commandFailed', done);
  return {
    start() {
      spans = [];
      started.clear();
      on = true;
    },
    /** The commands since start(), once those in flight have finished. */
    async stop(): Promise<{ total: number; serial: number; byName: Record<string, number> }> {
      for (let i = 0; i < 100 && started.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
      on = false;
      const sorted = [...spans].sort((a, b) => a.from - b.from);
      let serial = 0;
      let end = -Infinity;
      for (const s of sorted) {
        if (s.from >= end) serial++;
        end = Math.max(end, s.to);
      }
      const byName: Record<string, number> = {};
      for (const s of spans) byName[s.name] = (byName[s.name] ?? 0) + 1;
      return { total: spans.length, serial, byName };
    },
  };
}

/** One sent invitation per contact, sent an hour ago, with a known link token each; returns the tokens. */
export async function insertSentInvitations(
  models: Models,
  surveyId: Types.ObjectId,
  contactIds: readonly Types.ObjectId[],
): Promise<string[]> {
  const tokens = contactIds.map(() => generateToken());
  const sentAt = new Date(Date.now() - 3_600_000);
  await models.invitations.collection.insertMany(
    tokens.map((token, i) => ({
      surveyId,
      contactId: contactIds[i],
      tokenHash: hashToken(token),
      status: 'sent',
      attempts: 1,
      queuedAt: sentAt,
      sentAt,
    })),
  );
  return tokens;
}
