import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A secret kept in a file under the data directory: made (48 random bytes, readable by this user
 * only) the first time it is needed and read on every later start, so `npm start` without
 * SESSION_SECRET never runs with a secret anyone can read in our source. Processes that share the
 * data directory (the app and `npm run worker`) share the secret.
 */
export function localSecret(dataDir: string, name: string): { secret: string; file: string } {
  const file = path.join(dataDir, name);
  const read = () => readFileSync(file, 'utf8').trim();
  try {
    const existing = read();
    if (existing.length >= 32) return { secret: existing, file };
  } catch {
    // not made yet
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, file };
  } catch (err) {
    // Another process made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { secret: read(), file };
    throw err;
  }
}
