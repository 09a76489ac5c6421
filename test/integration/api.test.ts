import SwaggerParser from '@apidevtools/swagger-parser';
import { expect } from 'chai';
import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import { hashToken } from '../../server/lib/tokens.js';
import { signedInAs } from '../helpers/agent.js';
import { apiHelpers } from '../helpers/api.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';

describe('JSON API /api/v1', () => {
  const ctx = useTestContext({ API_REQUESTS_PER_MINUTE: '40' });
  const { keys, api } = apiHelpers(ctx);

  describe('authentication and scopes', () => {
    it('answers 401 JSON without a key, with an unknown key and with a revoked key; stores only hashes', async () => {
      const { read } = await keys();
      const none = await api('get', '/surveys').expect(401);
      expect(none.body).to.deep.equal({
        error: { code: 'UNAUTHORIZED', message: 'Send an API key: Authorization: Bearer <key>.' },
      });
      expect(none.headers['www-authenticate']).to.equal('Bearer realm="api"');
      expect(none.headers['set-cookie']).to.equal(undefined);
      await api('get', '/surveys', 'nps_' + 'x'.repeat(43)).expect(401);
      await api('get', '/surveys', read).expect(200);
      const stored = await ctx.models.apiKeys.findOne({ name: 'BI' }).lean();
      expect(stored!.keyHash).to.equal(hashToken(read));
      expect(JSON.stringify(await ctx.models.apiKeys.find({}).lean())).not.to.contain(read);
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).revoke(String(stored!._id));
      expect((await api('get', '/surveys', read).expect(401)).body.error.message).to.contain('revoked');
    });

    it('refuses writes with a read key (403 INSUFFICIENT_SCOPE) and changes nothing', async () => {
      const { read } = await keys();
      const res = await api('post', '/surveys', read).send({ name: 'X', companyName: 'Acme' }).expect(403);
      expect(res.body.error.code).to.equal('INSUFFICIENT_SCOPE');
      expect(await ctx.models.surveys.countDocuments({})).to.equal(0);
    });

    it('limits requests per key per minute, each key on its own', async () => {
      const { read, write } = await keys();
      for (let i = 0; i < 40; i++) await api('get', '/surveys', read).expect(200);
      const limited = await api('get', '/surveys', read).expect(429);
      expect(limited.body.error.code).to.equal('RATE_LIMITED');
      await api('get', '/surveys', write).expect(200);
    });

    it('lets admins create a key on a page that shows it once, and revoke it', async () => {
      const admin = await signedInAs(ctx, 'admin');
      const page = await admin.get('/api-keys').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const created = await admin
        .post('/api-keys')
        .type('form')
        .send({ _csrf: csrf, name: 'Zapier', scope: 'read_write' })
        .expect(201);
      const key = /id="new-key" class="wide-input" type="text" readonly value="(nps_[^"]+)"/.exec(created.text)![1]!;
      await api('post', '/surveys', key).send({ name: 'Via API', companyName: 'Acme' }).expect(201);
      expect((await admin.get('/api-keys').expect(200)).text).not.to.contain(key);
      const bad = await admin.post('/api-keys').type('form').send({ _csrf: csrf, name: '', scope: 'all' }).expect(400);
      expect(bad.text).to.contain('Name the key after what uses it');
      const viewer = await signedInAs(ctx, 'viewer');
      await viewer.get('/api-keys').expect(403);
    });
  });

  describe('resources', () => {
    it("surveys: launch, pause, resume and close through the API with the page's rules", async () => {
      const { read, write } = await keys();
      const id = (await api('post', '/surveys', write).send({ name: 'Q1', companyName: 'Acme' }).expect(201)).body.data
        .id as string;
      const act = (action: string, key = write) => api('post', `/surveys/${id}/status`, key).send({ action });
      expect((await act('activate').expect(200)).body.data.status).to.equal('active');
      const again = await act('activate').expect(409);
      expect(again.body.error.code).to.equal('INVALID_STATUS_CHANGE');
      expect((await act('pause').expect(200)).body.data.status).to.equal('paused');
      expect((await act('resume').expect(200)).body.data.status).to.equal('active');
      expect((await act('close').expect(200)).body.data.status).to.equal('closed');
      await act('resume').expect(409);
      await act('launch').expect(400);
      await act('pause', read).expect(403);
      await api('post', '/surveys/0123456789abcdef01234567/status', write).send({ action: 'close' }).expect(404);
      expect((await api('get', `/surveys/${id}`, read).expect(200)).body.data.status).to.equal('closed');
    });

    it('surveys: create, list, get, update; unknown fields and bad values are 400 with fields', async () => {
      const { read, write } = await keys();
      const created = await api('post', '/surveys', write)
        .send({ name: 'Q1 NPS', companyName: 'Acme', language: 'de', replyTo: 'cx@acme.example' })
        .expect(201);
      const id = created.body.data.id as string;
      expect(created.body.data).to.include({
        name: 'Q1 NPS',
        status: 'draft',
        language: 'de',
        replyTo: 'cx@acme.example',
      });
      expect((await api('get', '/surveys', read).expect(200)).body.data.map((s: { id: string }) => s.id)).to.deep.equal(
        [id],
      );
      expect((await api('get', `/surveys/${id}`, read).expect(200)).body.data.companyName).to.equal('Acme');
      const patched = await api('patch', `/surveys/${id}`, write)
        .send({ reminderAfterDays: 5, emailSubject: 'Quick question' })
        .expect(200);
      expect(patched.body.data).to.include({ reminderAfterDays: 5, emailSubject: 'Quick question', name: 'Q1 NPS' });
      const unknown = await api('post', '/surveys', write)
        .send({ name: 'X', companyName: 'Acme', colour: 'red' })
        .expect(400);
      expect(unknown.body.error.code).to.equal('VALIDATION_FAILED');
      expect(unknown.body.error.message).to.contain('colour');
      const bad = await api('patch', `/surveys/${id}`, write).send({ reminderAfterDays: 99 }).expect(400);
      expect(bad.body.error.fields).to.have.property('reminderAfterDays');
      await api('get', '/surveys/not-an-id', read).expect(400);
      expect((await api('get', '/surveys/0123456789abcdef01234567', read).expect(404)).body.error.code).to.equal(
        'SURVEY_NOT_FOUND',
      );
      await api('post', '/surveys', write).set('Content-Type', 'text/plain').send('name=x').expect(415);
    });

    it('surveys: follow-up rule, brand colour and footer, and the autopilot schedule through PATCH', async () => {
      const { write } = await keys();
      const id = (
        await api('post', '/surveys', write).send({ name: 'Relationship NPS', companyName: 'Acme' }).expect(201)
      ).body.data.id as string;
      const before = (await api('get', `/surveys/${id}`, write).expect(200)).body.data;
      expect(before.autopilot).to.deep.include({ enabled: false, everyDays: 90, dailyCap: null });
      const patched = await api('patch', `/surveys/${id}`, write)
        .send({
          followUpMaxScore: 4,
          followUpWouldNot: true,
          accentColor: '#0F766E',
          footerText: 'Acme GmbH\nHauptstraße 1',
          autopilot: { enabled: true, everyDays: 60, throttleDays: 45, dailyCap: 100 },
        })
        .expect(200);
      expect(patched.body.data).to.include({
        followUpMaxScore: 4,
        followUpWouldNot: true,
        accentColor: '#0f766e',
        footerText: 'Acme GmbH\nHauptstraße 1',
        hasLogo: false,
      });
      expect(patched.body.data.autopilot).to.deep.include({
        enabled: true,
        everyDays: 60,
        throttleDays: 45,
        dailyCap: 100,
        samplePercent: 100,
        newContactDelayDays: 30,
      });
      expect(patched.body.data.autopilot.startedAt).to.be.a('string');

      const tooLong = await api('patch', `/surveys/${id}`, write)
        .send({ autopilot: { enabled: true, everyDays: 30, throttleDays: 90 } })
        .expect(400);
      expect(tooLong.body.error.fields).to.have.property('autopilot.throttleDays');
      const unknown = await api('patch', `/surveys/${id}`, write)
        .send({ autopilot: { enabled: true, cadence: 'weekly' } })
        .expect(400);
      expect(unknown.body.error.message).to.contain('cadence');
      await api('patch', `/surveys/${id}`, write).send({ accentColor: 'red' }).expect(400);
      const after = (await api('get', `/surveys/${id}`, write).expect(200)).body.data;
      expect([after.accentColor, after.autopilot.everyDays]).to.deep.equal(['#0f766e', 60]);
    });

    it('contacts: bulk upsert (re-sent rows update, bad rows reported by index), get, delete; over 10,000 is refused; a huge body is 413', async () => {
      const { read, write } = await keys();
      const first = await api('post', '/contacts/bulk', write)
        .send({
          contacts: [
            { email: 'Ana@Example.com', name: 'Ana', properties: { plan: 'Pro' } },
            { email: 'not-an-email' },
            { email: 'bo@example.com', locale: 'de' },
            { email: 'ana@example.com' },
          ],
        })
        .expect(200);
      expect(first.body.data).to.include({ created: 2, updated: 0, skipped: 2 });
      expect(first.body.data.problems.map((p: { index: number }) => p.index)).to.deep.equal([1, 3]);
      const again = await api('post', '/contacts/bulk', write)
        .send({ contacts: [{ email: 'ana@example.com', properties: { region: 'EU' } }] })
        .expect(200);
      expect(again.body.data).to.include({ created: 0, updated: 1 });
      const ana = await ctx.models.contacts.findOne({ email: 'ana@example.com' }).lean();
      const got = await api('get', `/contacts/${String(ana!._id)}`, read).expect(200);
      expect(got.body.data).to.deep.include({
        email: 'ana@example.com',
        name: 'Ana',
        properties: { plan: 'Pro', region: 'EU' },
      });
      const tooMany = await api('post', '/contacts/bulk', write)
        .send({ contacts: Array.from({ length: 10_001 }, (_, i) => ({ email: `c${i}@example.com` })) })
        .expect(400);
      expect(tooMany.body.error.message).to.contain('at most 10000');
      const huge = await api('post', '/contacts/bulk', write)
        .send({ contacts: [{ email: 'a@example.com', name: 'x'.repeat(6_000_000) }] })
        .expect(413);
      expect(huge.body.error.code).to.equal('PAYLOAD_TOO_LARGE');
      await api('delete', `/contacts/${String(ana!._id)}`, read).expect(403);
      await api('delete', `/contacts/${String(ana!._id)}`, write).expect(204);
      await api('get', `/contacts/${String(ana!._id)}`, read).expect(404);
      expect(await ctx.models.contacts.countDocuments({})).to.equal(1);
    });

    it('invitations: queue for given contacts with the throttle, or refuse a survey that is not active', async () => {
      const { write } = await keys();
      const survey = await makeSurvey(ctx, { status: 'active' });
      const [a, b] = await ctx.models.contacts.insertMany([
        { email: 'a@example.com' },
        { email: 'b@example.com', lastSurveyedAt: ctx.clock.now() },
      ]);
      const res = await api('post', `/surveys/${String(survey._id)}/invitations`, write)
        .send({ contactIds: [String(a!._id), String(b!._id)] })
        .expect(202);
      expect(res.body.data).to.deep.include({ toQueue: 1 });
      expect(res.body.data.skipped.recently_surveyed).to.equal(1);
      expect(await ctx.models.invitations.countDocuments({ surveyId: survey._id })).to.equal(1);
      const both = await api('post', `/surveys/${String(survey._id)}/invitations`, write)
        .send({ contactIds: [String(a!._id)], filters: [{ key: 'plan', value: 'Pro' }] })
        .expect(400);
      expect(both.body.error.message).to.contain('not both');
      const draft = await makeSurvey(ctx);
      expect(
        (
          await api('post', `/surveys/${String(draft._id)}/invitations`, write)
            .send({})
            .expect(400)
        ).body.error.code,
      ).to.equal('SURVEY_NOT_ACTIVE');
    });
  });

  it('publishes an OpenAPI 3.1 document that validates and lists every endpoint', async () => {
    const res = await request(ctx.app).get('/api/openapi.json').expect(200);
    const doc = res.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).to.equal('3.1.0');
    await SwaggerParser.validate(structuredClone(doc) as never);
    expect(Object.keys(doc.paths).sort()).to.deep.equal([
      '/api/v1/contacts',
      '/api/v1/contacts/bulk',
      '/api/v1/contacts/{id}',
      '/api/v1/orders/bulk',
      '/api/v1/responses/{id}',
      '/api/v1/surveys',
      '/api/v1/surveys/{id}',
      '/api/v1/surveys/{id}/invitations',
      '/api/v1/surveys/{id}/responses',
      '/api/v1/surveys/{id}/responses.csv',
      '/api/v1/surveys/{id}/status',
      '/api/v1/surveys/{id}/summary',
      '/api/v1/surveys/{id}/triggers',
    ]);
    const body = (
      doc.paths['/api/v1/contacts/bulk']!.post as {
        requestBody: {
          content: { 'application/json': { schema: { properties: { contacts: { maxItems: number } } } } };
        };
      }
    ).requestBody;
    expect(body.content['application/json'].schema.properties.contacts.maxItems).to.equal(10_000);
  });
});
