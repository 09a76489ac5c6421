import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';

import { outboundFetch } from '../../server/lib/outbound-http.js';
import { createSealer } from '../../server/lib/seal.js';
import { WebhooksService } from '../../server/webhooks/webhooks.service.js';
import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';

async function receiver(onRequest: http.RequestListener) {
  const server = http.createServer(onRequest);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

describe('webhook destinations: only public addresses, unless configured', () => {
  const ctx = useTestContext(); // the default: private hosts refused
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });

  it('refuses loopback, private, metadata and credentialed addresses on the page, storing nothing', async () => {
    const survey = await makeSurvey(ctx);
    const admin = await signedInAs(ctx, 'admin');
    const path = `/surveys/${String(survey._id)}/webhooks`;
    const token = csrfTokenOf((await admin.get(path).expect(200)).text);
    const cases = {
      'http://127.0.0.1:3000/x': 'this machine',
      'http://localhost/x': 'this machine',
      'http://[::ffff:127.0.0.1]/x': 'this machine',
      'http://2130706433/x': 'this machine',
      'http://0x7f.1/x': 'this machine',
      'http://0.0.0.0/x': 'unspecified',
      'http://169.254.169.254/latest/meta-data/': 'link-local',
      'http://192.168.0.10/x': 'private network',
      'https://ops:hunter2@hooks.example.com/x': 'user name or password',
    };
    for (const [url, why] of Object.entries(cases)) {
      const res = await admin.post(path).type('form').send({ _csrf: token, url, events: 'response.created' });
      expect(res.status, url).to.equal(400);
      expect(res.text, url).to.contain(why).and.contain('OUTBOUND_ALLOW_PRIVATE_HOSTS');
      expect(res.text, url).not.to.contain('hunter2');
    }
    expect(await ctx.models.webhooks.countDocuments({})).to.equal(0);
  });

  it('is reachable from the survey page for admins (and not offered to managers)', async () => {
    const survey = await makeSurvey(ctx);
    const link = `href="/surveys/${String(survey._id)}/webhooks"`;
    const admin = await signedInAs(ctx, 'admin');
    expect((await admin.get(`/surveys/${String(survey._id)}`).expect(200)).text).to.contain(link);
    const manager = await signedInAs(ctx, 'manager');
    expect((await manager.get(`/surveys/${String(survey._id)}`).expect(200)).text).not.to.contain(link);
  });

  it('answers 404 and stores nothing for a survey that does not exist or a malformed id', async () => {
    const admin = await signedInAs(ctx, 'admin');
    const token = csrfTokenOf((await admin.get('/surveys').expect(200)).text);
    const body = { _csrf: token, url: 'https://hooks.example.com/x', events: 'response.created' };
    await admin.post('/surveys/000000000000000000000000/webhooks').type('form').send(body).expect(404);
    await admin.post('/surveys/not-an-id/webhooks').type('form').send(body).expect(404);
    const removed = await admin.post('/surveys/not-an-id/webhooks/also-bad/remove').type('form').send(body);
    expect(removed.status).to.equal(404);
    expect(removed.text).not.to.match(/at \w+ \(/); // no stack trace
    expect(await ctx.models.webhooks.countDocuments({})).to.equal(0);
  });

  it('refuses at connect time a name that resolved to a public address at registration and now to 127.0.0.1', async () => {
    let hits = 0;
    const { server, port } = await receiver((_req, res) => {
      hits++;
      res.end('ok');
    });
    servers.push(server);
    let calls = 0;
    // DNS rebinding: public for the check at registration, this machine when the worker connects.
    const resolve = () => Promise.resolve([{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    const policy = { allowPrivate: false, resolve, timeoutMs: 2000 };
    const webhooks = new WebhooksService({
      hooks: ctx.models.webhooks,
      deliveries: ctx.models.webhookDeliveries,
      clock: ctx.clock,
      sealer: createSealer(ctx.config.tokenSecret, 'webhook-secret'),
      outbound: policy,
      fetch: outboundFetch(policy),
    });
    const { survey } = await makeInvitation(ctx);
    await webhooks.register({
      surveyId: String(survey._id),
      url: `http://rebind.example:${port}/x`,
      events: ['response.created'],
    });
    await webhooks.enqueue('response.created', survey._id, { score: 9 });
    expect(await webhooks.deliverDue()).to.equal(1);
    const delivery = (await ctx.models.webhookDeliveries.findOne({}).lean())!;
    expect(hits).to.equal(0);
    expect(delivery.status).to.equal('pending');
    expect(delivery.lastError).to.contain('rebind.example (127.0.0.1) is this machine');
  });

  it('never follows a redirect, even to an allowed host', async () => {
    let targetHits = 0;
    const target = await receiver((_req, res) => {
      targetHits++;
      res.end('ok');
    });
    const first = await receiver((_req, res) => {
      res.statusCode = 307;
      res.setHeader('Location', `http://127.0.0.1:${target.port}/x`);
      res.end();
    });
    servers.push(target.server, first.server);
    const policy = { allowPrivate: true, timeoutMs: 2000 };
    const res = await outboundFetch(policy)(`http://127.0.0.1:${first.port}/x`, { method: 'POST', body: '{}' });
    expect(res.status).to.equal(307);
    expect(targetHits).to.equal(0);
  });
});
