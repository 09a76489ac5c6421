import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '../lib/logger.js';
import { projectRoot } from '../lib/paths.js';

/**
 * mongo-java-server (de.bwaldvogel, from Maven Central), run through a tiny launcher we build with Maven
 * under scripts/embedded-mongo/. The build happens once, on first use, and is cached in its target/ folder.
 * Known gaps, which the app is designed around: TTL indexes never expire, partialFilterExpression is
 * ignored, no $text, no transactions, no change streams.
 */
const launcherDir = path.join(projectRoot, 'scripts', 'embedded-mongo');
const targetDir = path.join(launcherDir, 'target');
const launcherJar = path.join(targetDir, 'embedded-mongo.jar');
const lockDir = path.join(launcherDir, '.build-lock');
const sources = [
  path.join(launcherDir, 'pom.xml'),
  path.join(launcherDir, 'src/main/java/nps/embedded/Launcher.java'),
  path.join(launcherDir, 'src/main/java/de/bwaldvogel/mongo/backend/h2/StoredUniqueIndex.java'),
];

function launcherIsFresh(): boolean {
  if (!existsSync(launcherJar) || !existsSync(path.join(targetDir, 'lib'))) return false;
  const built = statSync(launcherJar).mtimeMs;
  return sources.every((file) => statSync(file).mtimeMs <= built);
}

function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.status === 0;
}

/** Builds the launcher if it is missing or older than its sources. Safe when several processes race. */
export async function ensureLauncherBuilt(logger: Logger): Promise<void> {
  if (launcherIsFresh()) return;
  if (!hasCommand('java', ['-version'])) {
    throw new Error(
      'Java 17+ is needed for the embedded database (mongo-java-server). Install it, or set MONGODB_URI.',
    );
  }
  if (!hasCommand('mvn', ['-v'])) {
    throw new Error(
      'Maven is needed once to fetch mongo-java-server from Maven Central. Install it, or set MONGODB_URI.',
    );
  }
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      // Someone else is building. A lock older than 10 minutes belongs to a build that died.
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > 10 * 60_000)
        rmSync(lockDir, { recursive: true, force: true });
      if (launcherIsFresh()) return;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another process to build ${launcherJar}`);
      await sleep(500);
    }
  }
  try {
    if (launcherIsFresh()) return;
    logger.info('building the mongo-java-server launcher with Maven (first run only)');
    const child = spawn('mvn', ['-q', '-B', 'package'], { cwd: launcherDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (code !== 0)
      throw new Error(`Building the mongo-java-server launcher failed (mvn exit ${code}):\n${output.slice(-2000)}`);
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

export interface RunningServer {
  uri: string;
  description: string;
  /** The Java process (crash tests kill it). */
  pid?: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts mongo-java-server on a loopback port (a free one unless given). With `file`, the H2 backend keeps data in that file
 * across restarts; without, everything is in memory. The Java process exits when our stdin pipe closes,
 * so it cannot outlive this process.
 */
export async function startMongoJavaServer(options: {
  file?: string;
  port?: number;
  logger: Logger;
}): Promise<RunningServer> {
  await ensureLauncherBuilt(options.logger);
  const args = [
    '-Xss4m',
    '-cp',
    `${launcherJar}${path.delimiter}${path.join(targetDir, 'lib', '*')}`,
    'nps.embedded.Launcher',
  ];
  if (options.file) {
    mkdirSync(path.dirname(options.file), { recursive: true });
    args.push('--file', options.file);
  }
  if (options.port) args.push('--port', String(options.port));
  const child: ChildProcessWithoutNullStreams = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));

  const port = await new Promise<number>((resolve, reject) => {
    // The H2 file backend reads its whole store at start-up: tens of seconds with a demo data set on a
    // busy machine. Allow two minutes before calling it failed.
    const timer = setTimeout(() => {
      child.kill();
      reject(
        new Error(
          `mongo-java-server did not start within 120 s${stderr ? `: ${stderr}` : ' (is the machine very busy, or the data directory very large?)'}`,
        ),
      );
    }, 120_000);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^LISTENING (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`mongo-java-server exited (code ${code}) before listening: ${stderr.trim()}`));
    });
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    uri: `mongodb://127.0.0.1:${port}/nps`,
    description: options.file ? `mongo-java-server (H2 file ${options.file})` : 'mongo-java-server (in memory)',
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      child.stdin.end();
      const timeout = sleep(5000).then(() => 'timeout' as const);
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        // Resolve only once the process is gone, so its port and data file are free for a restart.
        await exited;
      }
    },
  };
}
