/**
 * Start-up on a large data folder: starts npm start's entry point (server/main.ts) on --data-dir
 * --runs times and reports the seconds until /healthz and /readyz answer 200, and how long SIGTERM
 * takes to end it. Without --data-dir it seeds the demo size into a fresh folder first (npm run
 * seed:demo, about two minutes). The baseline is a bare Node process, started the same way (tsx),
 * that answers one HTTP request.
 *   npm run bench:startup [-- --data-dir /path --runs 3]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { projectRoot } from '../../server/lib/paths.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    runs: { type: 'string', default: '3' },
    port: { type: 'string', default: '3917' },
  },
});
const runs = Number(values.runs);
const port = Number(values.port);
const seededHere = !values['data-dir'];
const dataDir = values['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'nps-bench-startup-'));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(url: string, started: number): Promise<number> {
  for (;;) {
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return (performance.now() - started) / 1000;
    await sleep(50);
  }
}

/** Starts `args` under node with tsx; returns seconds to /healthz and /readyz, and to exit after SIGTERM. */
async function startOnce(args: string[], env: Record<string, string>, probes: string[]): Promise<number[]> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const times = [];
  for (const probe of probes) times.push(await until(`http://127.0.0.1:${port}${probe}`, started));
  const stopping = performance.now();
  child.kill('SIGTERM');
  await exited;
  times.push((performance.now() - stopping) / 1000);
  return times;
}

try {
  if (seededHere) {
    process.stderr.write(`seeding the demo size into ${dataDir} ...\n`);
    const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed-demo.ts'], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dataDir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (seeded.status !== 0) throw new Error('seed:demo failed');
  }
  const bare =
    "import http from 'node:http'; http.createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT));";
  const baseline: number[] = [];
  const rows: number[][] = [];
  for (let i = 0; i < runs; i++) {
    baseline.push((await startOnce(['-e', bare], {}, ['/']))[0]!);
    rows.push(await startOnce(['server/main.ts'], { DATA_DIR: dataDir }, ['/healthz', '/readyz']));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const col = (i: number) => rows.map((r) => r[i]!);
  const f = (s: number) => `${s.toFixed(2)} s`;
  console.log(
    `data folder ${dataDir}; ${runs} runs, medians (each run: ${rows.map((r) => r.map(f).join(' / ')).join('; ')})`,
  );
  console.log(`baseline: a bare node + tsx process answering HTTP  ${f(median(baseline))}`);
  console.log(
    `/healthz answers 200                                 ${f(median(col(0)))}   ratio ${(median(col(0)) / median(baseline)).toFixed(2)}`,
  );
  console.log(
    `/readyz answers 200 (database open, app ready)       ${f(median(col(1)))}   ratio ${(median(col(1)) / median(baseline)).toFixed(2)}   target < 10 s: ${Math.max(...col(1)) < 10 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `SIGTERM to exit                                      ${f(median(col(2)))}   target < 20 s: ${Math.max(...col(2)) < 20 ? 'met' : 'NOT met'}`,
  );
} finally {
  if (seededHere) rmSync(dataDir, { recursive: true, force: true });
}
