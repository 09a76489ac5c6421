import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

import { claimDataDir } from '../../../server/boot/data-dir-lock.js';

describe('the data folder lock of npm start', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nps-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const lockFile = () => path.join(dir, 'web-server.lock');
  const me = { pid: process.pid, url: 'http://localhost:3000' };

  it('is held by a running process until released', () => {
    const held = { pid: process.ppid, url: 'http://localhost:3001' };
    writeFileSync(lockFile(), JSON.stringify(held));
    expect(claimDataDir(dir, me)).to.deep.equal({ heldBy: held });
    rmSync(lockFile());
    const mine = claimDataDir(dir, me);
    expect(JSON.parse(readFileSync(lockFile(), 'utf8'))).to.deep.equal(me);
    if ('release' in mine) mine.release();
    expect(() => readFileSync(lockFile())).to.throw();
  });

  it('takes over a lock left by a process that no longer runs, or an unreadable one', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    writeFileSync(lockFile(), JSON.stringify({ pid: Number(gone), url: 'http://old' }));
    expect(claimDataDir(dir, me)).to.have.property('release');
    // A lock naming this very process is a left-over whose pid was reused: ours to take.
    expect(claimDataDir(dir, me)).to.have.property('release');
    writeFileSync(lockFile(), '{ not json');
    expect(claimDataDir(dir, me)).to.have.property('release');
  });
});
