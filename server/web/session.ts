import MongoStore from 'connect-mongo';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type { Connection } from 'mongoose';

import type { Config } from '../config.js';

declare module 'express-session' {
  interface SessionData {
    userId?: string;
    /** When the user signed in (ms since epoch): the absolute timeout counts from here. */
    authenticatedAt?: number;
  }
}

export const SESSION_COOKIE = 'nps.sid';

/**
 * Sessions live in MongoDB (collection "sessions"), never in process memory, so any app instance can
 * serve any request. The cookie's max age is the idle timeout and is renewed on every request
 * (rolling) - the stored session's expiry at most every `touchAfter`; the absolute timeout is enforced in auth.ts from `authenticatedAt`. An expired session is
 * never returned by the store even where TTL indexes do not run.
 */
export function createSessionMiddleware(
  config: Config,
  connection: Connection,
): { middleware: RequestHandler; store: MongoStore } {
  const store = MongoStore.create({
    client: connection.getClient(),
    collectionName: 'sessions',
    ttl: Math.ceil(config.sessionIdleMs / 1000),
    autoRemove: 'native',
    stringify: false,
    // A page view does not write the session: its expiry in the store moves at most every
    // `touchAfter` seconds (a tenth of the idle timeout, at most 5 minutes), so an idle timeout of 60
    // minutes ends a session 54 to 60 minutes after its last request. The cookie is renewed on every
    // response as before.
    touchAfter: Math.min(300, Math.floor(config.sessionIdleMs / 10_000)),
  });
  const middleware = session({
    name: SESSION_COOKIE,
    secret: [...config.sessionSecrets],
    store,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    proxy: config.trustProxy !== false,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: config.sessionIdleMs,
      path: '/',
    },
  });
  return { middleware, store };
}

/**
 * Deletes every stored session of a user except `keepSessionId`: used when a password changes or an
 * account is disabled, so a stolen or forgotten session stops working at once.
 */
export function sessionTerminator(connection: Connection) {
  return async (userId: string, keepSessionId?: string): Promise<number> => {
    const filter: Record<string, unknown> = { 'session.userId': userId };
    if (keepSessionId) filter._id = { $ne: keepSessionId };
    const result = await connection.db!.collection<{ _id: string }>('sessions').deleteMany(filter);
    return result.deletedCount;
  };
}
