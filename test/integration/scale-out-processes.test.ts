import autocannon from 'autocannon';
import { expect } from 'chai';

import { createUser, DEFAULT_PASSWORD } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { testDatabaseUri } from '../helpers/database.js';
import { makeSurvey } from '../helpers/factories.js';
import { freePort, runScript, type RunningProcess } from '../helpers/process.js';
import { servicesOf } from '../helpers/services.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONTACTS = 300;

/**
 * The production shape on one machine: two app processes (no worker inside) and two `npm run worker`
 * processes on one database, a real SMTP server, and autocannon submitting answers to both apps.
 */
describe('scale-out: two app processes and two worker processes on one database', function () {
  this.timeout(240_000);
  const ctx = useTestContext();
  const processes: RunningProcess[] = [];
  let smtp: TestSmtp;

  after(async () => {
    for (const p of processes) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
    await smtp?.close();
  });

  it('sends every invitation once, shares sessions, and counts double-submitted answers exactly once', async () => {
    smtp = await startTestSmtp();
    // The same secrets everywhere, as the production notes say; the test process seals with them too.
    const env = {
      MONGODB_URI: testDatabaseUri(),
      SESSION_SECRET: 'a shared session secret for every instance, 48+ chars',
      TOKEN_SECRET: 'a shared token secret for every instance, at least 48 chars',
      LOG_LEVEL: 'warn',
    };
    const ports = [await freePort(), await freePort()];
    const apps = ports.map((port) =>
      runScript('server/main.ts', [], {
        ...env,
        PORT: String(port),
        WORKER_ENABLED: 'false',
        BASE_URL: `http://127.0.0.1:${port}`,
      }),
    );
    const workers = [0, 1].map(() =>
      runScript('scripts/worker.ts', [], {
        ...env,
        SMTP_URL: smtp.url,
        SMTP_MAX_CONNECTIONS: '2',
        BASE_URL: `http://127.0.0.1:${ports[0]!}`,
      }),
    );
    processes.push(...apps, ...workers);
    const urls = ports.map((p) => `http://127.0.0.1:${p}`);
    const up = Date.now() + 90_000;
    for (const url of urls) {
      while (
        !(await fetch(`${url}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        expect(Date.now(), `app ${url} did not start: ${apps.map((a) => a.stderr()).join('\n')}`).to.be.below(up);
        await sleep(200);
      }
    }

    // Sessions: signed in through app 1, the cookie works on app 2.
    await createUser(ctx, 'manager');
    const loginPage = await fetch(`${urls[0]!}/login`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!;
    const preCookie = loginPage.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const login = await fetch(`${urls[0]!}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: preCookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, email: 'manager@example.com', password: DEFAULT_PASSWORD }),
    });
    expect(login.status).to.equal(303);
    const session = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const onOther = await fetch(`${urls[1]!}/surveys`, { redirect: 'manual', headers: { cookie: session } });
    expect(onOther.status).to.equal(200);
    expect(await onOther.text()).to.contain('Manager User');

    // Sending: queue 300 invitations; both workers send them.
    const survey = await makeSurvey(ctx, { status: 'active', reminder: { enabled: false, afterDays: 3 } });
    await ctx.models.contacts.collection.insertMany(
      Array.from({ length: CONTACTS }, (_, i) => ({
        email: `p${i}@example.com`,
        name: `P ${i}`,
        properties: { plan: i % 2 ? 'Pro' : 'Free' },
        createdAt: new Date(),
      })),
    );
    await servicesOf(ctx, { tokenSecret: env.TOKEN_SECRET }).sendQueue.queue(String(survey._id), {
      filters: [],
      throttleDays: 90,
    });
    const deadline = Date.now() + 120_000;
    while ((await ctx.models.invitations.countDocuments({ surveyId: survey._id, status: 'sent' })) < CONTACTS) {
      expect(Date.now(), `sending stalled: ${workers.map((w) => w.stderr()).join('\n')}`).to.be.below(deadline);
      await sleep(250);
    }
    const recipients = smtp.received.map((m) => m.to[0]);
    expect(recipients).to.have.length(CONTACTS);
    expect(new Set(recipients).size).to.equal(CONTACTS);
    expect(await ctx.models.outboxMessages.countDocuments({}), 'nothing went to the outbox').to.equal(0);

    // Customers: each opens the link from their email (half on each app)...
    const links = smtp.received
      .map((m) => /\/r\/([A-Za-z0-9_-]{43})\/(\d+)/.exec(m.parsed.text ?? '')!)
      .map((match) => ({ token: match[1]!, score: Number(match[2]) }));
    await sleep(5000); // past the 5 s after delivery below which an answer looks automated
    const stamps: string[] = [];
    for (const [i, { token }] of links.entries()) {
      const page = await fetch(`${urls[i % 2]!}/r/${token}/${i % 11}`);
      stamps.push(/name="stamp" value="([^"]+)"/.exec(await page.text())![1]!);
    }
    await sleep(2500);
    // ...and autocannon submits every answer twice at once, once to each app.
    const drive = (url: string) => {
      let next = 0;
      return autocannon({
        url,
        connections: 10,
        amount: links.length,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const i = next++;
              return {
                ...req,
                path: `/r/${links[i]!.token}`,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: `score=${i % 11}&repurchase=probably_would&stamp=${encodeURIComponent(stamps[i]!)}`,
              };
            },
          },
        ],
      });
    };
    const results = await Promise.all(urls.map(drive));
    for (const r of results) {
      expect(r.errors + r.timeouts, 'no failed requests').to.equal(0);
      expect(r.statusCodeStats?.['303' as keyof typeof r.statusCodeStats]?.count).to.equal(CONTACTS);
    }

    // Totals are exact: one response per invitation, and the day counts agree with the responses.
    expect(await ctx.models.responses.countDocuments({ surveyId: survey._id })).to.equal(CONTACTS);
    expect(await ctx.models.responses.countDocuments({ surveyId: survey._id, review: 'none' })).to.equal(CONTACTS);
    expect(await ctx.models.invitations.countDocuments({ surveyId: survey._id, respondedAt: null })).to.equal(0);
    const aggregates = ctx.services.aggregates;
    const cells = (await aggregates.daysOf(survey._id)).flatMap((d) => d.cells);
    expect(cells.reduce((sum, c) => sum + c.n, 0)).to.equal(CONTACTS);
    const expectedNines = links.filter((_, i) => i % 11 === 9).length;
    expect(cells.filter((c) => c.score === 9).reduce((sum, c) => sum + c.n, 0)).to.equal(expectedNines);
    // Nothing is left mid-send or uncertain.
    expect(
      await ctx.models.invitations.collection.countDocuments({ surveyId: survey._id, status: { $ne: 'sent' } }),
    ).to.equal(0);
  });
});
