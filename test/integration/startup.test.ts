import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';

import { csrfTokenOf, DEFAULT_PASSWORD } from '../helpers/agent.js';
import { freePort, runScript } from '../helpers/process.js';

/** The real `npm start` entry point, as a separate process, the way a new user meets it. */
describe('starting the service (server/main.ts as a process)', function () {
  this.timeout(90_000);
  const embeddedDb = process.env.EMBEDDED_DB ?? 'auto';

  it('exits with one message naming PORT when PORT=abc', async () => {
    const started = Date.now();
    const proc = runScript('server/main.ts', [], { PORT: 'abc' });
    expect(await proc.exited).to.equal(1);
    expect(Date.now() - started).to.be.below(15_000);
    const lines = proc.stderr().trim().split('\n');
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /^error: Invalid configuration: PORT: expected a whole number from 0 to 65535 \(got "abc"\)$/,
    );
  });

  it('names every bad variable at once', async () => {
    const proc = runScript('server/main.ts', [], {
      PORT: '99999',
      LOG_LEVEL: 'loud',
      BASE_URL: 'ftp://x',
      NODE_ENV: 'production',
    });
    expect(await proc.exited).to.equal(1);
    const message = proc.stderr();
    for (const name of ['PORT', 'LOG_LEVEL', 'BASE_URL']) expect(message).to.contain(`${name}:`);
  });

  it('exits within 15 s with one line naming the host, password masked, when MONGODB_URI points at a closed port', async () => {
    const port = await freePort();
    const started = Date.now();
    const proc = runScript('server/main.ts', [], {
      MONGODB_URI: `mongodb://nps:s3cret-pw@127.0.0.1:${port}/nps`,
      PORT: String(await freePort()),
    });
    expect(await proc.exited).to.equal(1);
    expect(Date.now() - started).to.be.below(15_000);
    const lines = proc.stderr().trim().split('\n');
    expect(lines, proc.stderr()).to.have.length(1);
    expect(lines[0]).to.contain(`Cannot reach MongoDB at 127.0.0.1:${port}`);
    expect(lines[0]).to.contain('nps:****@');
    expect(lines[0]).not.to.contain('s3cret-pw');
  });

  it('serves the setup page on a fresh data folder, keeps the admin across a restart, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nps-start-'));
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_DB: embeddedDb, LOG_LEVEL: 'info' };
    const base = `http://127.0.0.1:${port}`;
    try {
      const started = Date.now();
      const first = runScript('server/main.ts', [], env);
      await first.waitFor(/listening on/, 60_000);
      const setup = await request(base).get('/setup').expect(200);
      const startupMs = Date.now() - started;
      expect(startupMs, 'setup page within 30 s').to.be.below(30_000);
      expect(first.stdout()).to.contain('/setup to create the first admin');

      const agent = request.agent(base);
      const cookie = setup.headers['set-cookie'] as unknown as string[];
      await agent
        .post('/setup')
        .set('Cookie', cookie.map((c) => c.split(';')[0]).join('; '))
        .type('form')
        .send({
          _csrf: csrfTokenOf(setup.text),
          email: 'first@example.com',
          password: DEFAULT_PASSWORD,
          passwordConfirm: DEFAULT_PASSWORD,
        })
        .expect(303);

      // A CLI script finds the running embedded database instead of starting a second one on the same files.
      const cli = runScript(
        'scripts/user-create.ts',
        ['--email', 'cli@example.com', '--role', 'manager', '--password', DEFAULT_PASSWORD],
        { DATA_DIR: dataDir, EMBEDDED_DB: embeddedDb },
      );
      expect(await cli.exited, cli.stderr()).to.equal(0);
      expect(cli.stdout()).to.contain('Created manager cli@example.com');

      first.child.kill('SIGTERM');
      expect(await first.exited).to.equal(0);
      expect(first.stdout()).to.contain('"msg":"stopped"');

      const second = runScript('server/main.ts', [], env);
      await second.waitFor(/listening on/, 60_000);
      expect(second.stdout()).not.to.contain('to create the first admin');
      await request(base).get('/setup').expect(303).expect('location', '/login');
      for (const email of ['first@example.com', 'cli@example.com']) {
        const login = request.agent(base);
        const page = await login.get('/login').expect(200);
        await login
          .post('/login')
          .type('form')
          .send({ _csrf: csrfTokenOf(page.text), email, password: DEFAULT_PASSWORD })
          .expect(303)
          .expect('location', '/');
      }
      second.child.kill('SIGINT');
      expect(await second.exited).to.equal(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a second web server on the same data folder, naming the first, which keeps serving', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nps-start-'));
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, EMBEDDED_DB: embeddedDb, LOG_LEVEL: 'info' };
    try {
      const first = runScript('server/main.ts', [], env);
      await first.waitFor(/listening on/, 60_000);
      const second = runScript('server/main.ts', [], { ...env, PORT: String(await freePort()) });
      expect(await second.exited).to.equal(1);
      expect(second.stderr()).to.contain(`is already served by process ${first.child.pid}`);
      expect(second.stderr()).to.contain('another DATA_DIR');
      await request(`http://127.0.0.1:${port}`).get('/readyz').expect(200);
      first.child.kill('SIGTERM');
      expect(await first.exited).to.equal(0);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('user:create explains a bad argument and exits 2', async () => {
    const proc = runScript('scripts/user-create.ts', ['--email', 'not-an-email', '--role', 'boss'], {
      DATA_DIR: os.tmpdir(),
    });
    expect(await proc.exited).to.equal(2);
    expect(proc.stderr()).to.contain('--email: Enter a valid email address');
    expect(proc.stderr()).to.contain('--role: Choose admin, manager or viewer');
  });
});
