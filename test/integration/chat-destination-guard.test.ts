import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';

import { outboundFetch, type OutboundPolicy } from '../../server/lib/outbound-http.js';
import { createSealer } from '../../server/lib/seal.js';
import { ChatNotifications } from '../../server/notifications/chat.service.js';
import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { respondHelpers } from '../helpers/respond.js';

describe('chat destinations: only public https addresses, unless configured', () => {
  const ctx = useTestContext(); // the default: private hosts refused
  const { invited, answer } = respondHelpers(ctx);
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      s.close();
    }
  });
  async function receiver(onRequest: http.RequestListener) {
    const server = http.createServer(onRequest);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    servers.push(server);
    return (server.address() as AddressInfo).port;
  }
  const serviceWith = (policy: OutboundPolicy) =>
    new ChatNotifications({
      destinations: ctx.models.chatDestinations,
      deliveries: ctx.models.chatDeliveries,
      clock: ctx.clock,
      sealer: createSealer(ctx.config.tokenSecret, 'chat-webhook-url'),
      outbound: policy,
      fetch: outboundFetch({ ...policy, timeoutMs: 2000 }),
      baseUrl: ctx.config.baseUrl,
      lookup: {
        survey: () => Promise.resolve({ name: 'S', type: 'nps' as const, extraQuestions: [], language: 'en' as const }),
        contact: () => Promise.resolve(null),
        caseIdOf: () => Promise.resolve(undefined),
      },
    });

  it('refuses loopback, private, link-local and metadata addresses on the page, storing nothing', async () => {
    const survey = await makeSurvey(ctx);
    const admin = await signedInAs(ctx, 'admin');
    const path = `/surveys/${String(survey._id)}/notifications`;
    const _csrf = csrfTokenOf((await admin.get(path).expect(200)).text);
    const cases = {
      'https://127.0.0.1/services/x': 'this machine',
      'https://localhost/x': 'this machine',
      'https://[::1]/x': 'this machine',
      'https://169.254.169.254/latest/meta-data/': 'link-local',
      'https://10.1.2.3/x': 'private network',
      'https://[fe80::1]/x': 'link-local',
    };
    for (const [url, why] of Object.entries(cases)) {
      const res = await admin.post(path).type('form').send({ _csrf, kind: 'slack', name: 'x', url, when: 'all' });
      expect(res.status, url).to.equal(400);
      expect(res.text, url).to.contain(why).and.contain('OUTBOUND_ALLOW_PRIVATE_HOSTS');
    }
    expect(await ctx.models.chatDestinations.countDocuments({})).to.equal(0);
  });

  it('refuses a host name that resolves to loopback, when added and again when posting', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const loopback = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const refused = await serviceWith({ allowPrivate: false, resolve: loopback })
      .add({
        surveyId: String(survey._id),
        kind: 'slack',
        name: 'x',
        url: 'https://chat.internal.example/x',
        rule: { when: 'all' },
        includeIdentity: false,
      })
      .then(
        () => 'added',
        (err: Error) => err.message,
      );
    expect(refused).to.contain('chat.internal.example (127.0.0.1) is this machine');
    // Public at the check, loopback when the worker connects (DNS rebinding): the post is refused too.
    let hits = 0;
    const port = await receiver((_req, res) => {
      hits++;
      res.end('ok');
    });
    let calls = 0;
    const rebinding = () => Promise.resolve([{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }]);
    const chat = serviceWith({ allowPrivate: false, resolve: rebinding });
    const { token } = await invited({ survey });
    await chat.add({
      surveyId: String(survey._id),
      kind: 'slack',
      name: 'x',
      url: `http://rebind.example:${port}/x`,
      rule: { when: 'all' },
      includeIdentity: false,
    });
    await answer(token, { score: '9' });
    await chat.notify((await ctx.models.responses.findOne({}).lean())!);
    expect(await chat.deliverDue()).to.equal(1);
    expect(hits).to.equal(0);
    expect((await ctx.models.chatDeliveries.findOne({}).lean())!.lastError).to.contain(
      'rebind.example (127.0.0.1) is this machine',
    );
  });

  it('never follows a redirect (to 127.0.0.1 here), and logs it as a failure', async () => {
    let targetHits = 0;
    const target = await receiver((_req, res) => {
      targetHits++;
      res.end('ok');
    });
    const first = await receiver((_req, res) => {
      res.statusCode = 302;
      res.setHeader('Location', `http://127.0.0.1:${target}/steal`);
      res.end();
    });
    const survey = await makeSurvey(ctx, { status: 'active' });
    const chat = serviceWith({ allowPrivate: true });
    await chat.add({
      surveyId: String(survey._id),
      kind: 'teams',
      name: 'x',
      url: `http://127.0.0.1:${first}/x`,
      rule: { when: 'all' },
      includeIdentity: false,
    });
    const { token } = await invited({ survey });
    await answer(token, { score: '3' });
    await chat.notify((await ctx.models.responses.findOne({}).lean())!);
    await chat.deliverDue();
    expect(targetHits).to.equal(0);
    const delivery = (await ctx.models.chatDeliveries.findOne({}).lean())!;
    expect([delivery.status, delivery.lastError]).to.deep.equal(['pending', 'HTTP 302: redirects are not followed']);
  });

  it('accepts only https in production', async () => {
    const survey = await makeSurvey(ctx);
    const outcome = await serviceWith({
      allowPrivate: false,
      httpsOnly: true,
      resolve: () => Promise.resolve([{ address: '93.184.216.34', family: 4 }]),
    })
      .add({
        surveyId: String(survey._id),
        kind: 'slack',
        name: 'x',
        url: 'http://hooks.example.com/x',
        rule: { when: 'all' },
        includeIdentity: false,
      })
      .then(
        () => 'added',
        (err: Error) => err.message,
      );
    expect(outcome).to.contain('only https:// addresses');
  });
});
