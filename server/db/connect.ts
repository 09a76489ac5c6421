import mongoose, { type Connection } from 'mongoose';

import { maskUri, uriHosts } from '../lib/mask-uri.js';

// Query filters are sanitized (a `{ $gt: '' }` from user input becomes a literal, not an operator) and a
// filter naming a path the schema does not have is an error instead of a silently-empty result.
mongoose.set('sanitizeFilter', true);
mongoose.set('strictQuery', 'throw');

export class DatabaseUnreachableError extends Error {
  constructor(uri: string, reason: string) {
    super(
      `Cannot reach MongoDB at ${uriHosts(uri)} (${maskUri(uri)}): ${reason}. Check MONGODB_URI, or unset it to use the embedded database.`,
    );
    this.name = 'DatabaseUnreachableError';
  }
}

/**
 * Opens a connection and waits until a server answers. Fails with DatabaseUnreachableError after
 * `timeoutMs` (server selection), so a wrong MONGODB_URI stops the process quickly with one clear line.
 */
export async function connectDatabase(
  uri: string,
  options: { timeoutMs?: number; appName?: string } = {},
): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: options.timeoutMs ?? 10_000,
    appName: options.appName ?? 'nps',
    autoIndex: false,
  });
  try {
    await connection.asPromise();
    await connection.db!.admin().command({ ping: 1 });
  } catch (err) {
    await connection.close(true).catch(() => undefined);
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? 'unknown error';
    throw new DatabaseUnreachableError(uri, reason);
  }
  return connection;
}

/**
 * True when the database answers a ping now and Mongoose considers itself connected; used by /readyz.
 * The ping is sent even while disconnected: it makes the driver look for the server at once instead of
 * at its next heartbeat, so readiness probes also speed up the recovery after a database restart.
 */
export async function pingDatabase(connection: Connection, timeoutMs = 2000): Promise<boolean> {
  if (!connection.db) return false;
  const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  const ping = connection.db
    .admin()
    .command({ ping: 1 }, { timeoutMS: timeoutMs })
    .then(() => true as const)
    .catch(() => false as const);
  return (await Promise.race([ping, timer])) && connection.readyState === mongoose.ConnectionStates.connected;
}
