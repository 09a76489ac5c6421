import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';

import { outboundFetch } from '../../server/lib/outbound-http.js';
import { createSealer } from '../../server/lib/seal.js';
import { SIGNATURE_HEADER, verifySignature } from '../../server/webhooks/webhook-signature.js';
import { WebhooksService } from '../../server/webhooks/webhooks.service.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation } from '../helpers/factories.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('webhooks', () => {
  // The receiver runs on this machine, as a receiver on an internal network would.
  const ctx = useTestContext({ OUTBOUND_ALLOW_PRIVATE_HOSTS: 'true' });
  let server: http.Server;
  let url: string;
  let received: Received[];
  let answerWith: number;

  beforeEach(async () => {
    received = [];
    answerWith = 200;
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.statusCode = answerWith;
        res.end('ok');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/nps`;
  });
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  const service = () =>
    new WebhooksService({
      hooks: ctx.models.webhooks,
      deliveries: ctx.models.webhookDeliveries,
      clock: ctx.clock,
      sealer: createSealer(ctx.config.tokenSecret, 'webhook-secret'),
      outbound: { allowPrivate: true },
      fetch: outboundFetch({ allowPrivate: true, timeoutMs: 2000 }),
    });

  async function register(surveyId: string) {
    const admin = await signedInAs(ctx, 'admin');
    const page = await admin.get(`/surveys/${surveyId}/webhooks`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const created = await admin
      .post(`/surveys/${surveyId}/webhooks`)
      .type('form')
      .send({ _csrf: csrf, url, events: ['response.created', 'response.updated'] })
      .expect(201);
    const secret = /id="new-secret" class="wide-input" type="text" readonly value="(whsec_[^"]+)"/.exec(
      created.text,
    )![1]!;
    return { admin, secret };
  }

  async function answer(token: string, score: string, seconds = 10) {
    const page = await request(ctx.app).get(`/r/${token}/${score}`);
    ctx.clock.advance(seconds * 1000);
    const stamp = /name="stamp" value="([^"]+)"/.exec(page.text)![1]!;
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp, score, comment: 'Quick delivery' })
      .expect(303);
  }

  it('posts each new and changed answer, signed so the receiver can verify it, never the flagged ones', async () => {
    const { survey, token } = await makeInvitation(ctx);
    const { secret } = await register(String(survey._id));
    await answer(token, '9');
    await answer(token, '10');
    const scanned = await makeInvitation(ctx, { survey });
    await answer(scanned.token, '0', 0.5); // flagged: not sent
    expect(await service().deliverDue()).to.equal(2);
    expect(received).to.have.length(2);
    const [created, updated] = received;
    const now = Math.floor(ctx.clock.now().getTime() / 1000);
    for (const r of received) {
      expect(r.headers['content-type']).to.equal('application/json');
      expect(verifySignature(secret, String(r.headers[SIGNATURE_HEADER.toLowerCase()]), r.body, now)).to.be.true;
      expect(
        verifySignature(
          secret,
          String(r.headers[SIGNATURE_HEADER.toLowerCase()]),
          r.body.replace('Quick', 'Slow'),
          now,
        ),
      ).to.be.false;
      expect(verifySignature('whsec_wrong', String(r.headers[SIGNATURE_HEADER.toLowerCase()]), r.body, now)).to.be
        .false;
    }
    expect(created!.headers['x-nps-event']).to.equal('response.created');
    expect(JSON.parse(created!.body)).to.deep.include({ type: 'response.created' });
    expect(JSON.parse(created!.body).data).to.include({
      score: 9,
      category: 'promoter',
      comment: 'Quick delivery',
      channel: 'email',
    });
    expect(JSON.parse(updated!.body)).to.deep.include({ type: 'response.updated' });
    expect(JSON.parse(updated!.body).data.score).to.equal(10);
    expect(verifySignature(secret, String(created!.headers[SIGNATURE_HEADER.toLowerCase()]), created!.body, now + 3600))
      .to.be.false; // replay, an hour later
    expect(await ctx.models.webhookDeliveries.countDocuments({ status: 'delivered' })).to.equal(2);
    // The secret is stored sealed only.
    expect(JSON.stringify(await ctx.models.webhooks.find({}).lean())).not.to.contain(secret);
  });

  it('retries a failing receiver with backoff, shows it on the deliveries page, and gives up after 24 hours', async () => {
    const { survey, token } = await makeInvitation(ctx);
    const { admin } = await register(String(survey._id));
    answerWith = 500;
    await answer(token, '3');
    const webhooks = service();
    await webhooks.deliverDue();
    let delivery = (await ctx.models.webhookDeliveries.findOne({}).lean())!;
    expect([delivery.status, delivery.attempts, delivery.lastError]).to.deep.equal(['pending', 1, 'HTTP 500']);
    expect(delivery.nextAttemptAt.getTime() - ctx.clock.now().getTime()).to.equal(60_000);
    expect(await webhooks.deliverDue()).to.equal(0); // not due yet
    const page = await admin.get(`/surveys/${String(survey._id)}/webhooks`).expect(200);
    expect(page.text).to.contain('<td>pending</td><td>1</td><td>HTTP 500</td>');
    for (let i = 0; i < 12 && delivery.status === 'pending'; i++) {
      ctx.clock.advance(6 * 3_600_000);
      await webhooks.deliverDue();
      delivery = (await ctx.models.webhookDeliveries.findOne({}).lean())!;
    }
    expect(delivery.status).to.equal('failed');
    expect(delivery.attempts).to.be.within(4, 7);
    answerWith = 200;
    const second = await makeInvitation(ctx, { survey });
    await answer(second.token, '8');
    await webhooks.deliverDue();
    expect(await ctx.models.webhookDeliveries.countDocuments({ status: 'delivered' })).to.equal(1);
  });

  it('never makes the customer wait for a receiver', async () => {
    const { survey, token } = await makeInvitation(ctx);
    await register(String(survey._id));
    server.removeAllListeners('request');
    server.on('request', () => undefined); // a receiver that never answers
    const started = Date.now();
    await answer(token, '9');
    expect(Date.now() - started).to.be.lessThan(1500);
    expect(await ctx.models.webhookDeliveries.countDocuments({ status: 'pending' })).to.equal(1);
    await service().deliverDue();
    const delivery = (await ctx.models.webhookDeliveries.findOne({}).lean())!;
    expect(delivery.status).to.equal('pending');
    expect(delivery.lastError).to.match(/abort|timeout/i);
  });

  it('is for admins only, and refuses a bad address with a message', async () => {
    const { survey } = await makeInvitation(ctx);
    const manager = await signedInAs(ctx, 'manager');
    await manager.get(`/surveys/${String(survey._id)}/webhooks`).expect(403);
    const admin = await signedInAs(ctx, 'admin');
    const page = await admin.get(`/surveys/${String(survey._id)}/webhooks`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const bad = await admin
      .post(`/surveys/${String(survey._id)}/webhooks`)
      .type('form')
      .send({ _csrf: csrf, url: 'ftp://x', events: 'response.created' })
      .expect(400);
    expect(bad.text).to.contain('Use an http:// or https:// address.');
    expect(await ctx.models.webhooks.countDocuments({})).to.equal(0);
  });
});
