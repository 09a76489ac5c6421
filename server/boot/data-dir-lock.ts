import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** Who serves a data folder: the web server holding DATA_DIR/web-server.lock. */
export interface DataDirHolder {
  pid: number;
  url: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the data folder for this web server (npm start on the embedded database): one at a time, as
 * a second one would attach to the first one's embedded database and lose it when the first stops.
 * The lock file is created exclusively (two starting at once cannot both win); a lock left by a
 * process that no longer runs (killed, crashed) is taken over. Returns the release, or who holds it.
 */
export function claimDataDir(dataDir: string, me: DataDirHolder): { release: () => void } | { heldBy: DataDirHolder } {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'web-server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return { release: () => rmSync(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder: DataDirHolder | undefined;
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as DataDirHolder;
    } catch {
      holder = undefined; // unreadable: being written this instant, or garbage; treated as stale below
    }
    if (holder && holder.pid !== process.pid && alive(holder.pid)) return { heldBy: holder };
    rmSync(file, { force: true });
  }
  throw new Error(`could not claim ${file}: another process keeps creating it`);
}
