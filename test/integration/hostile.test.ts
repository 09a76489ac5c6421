import { expect } from 'chai';
import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';

const SCRIPT = '<script>alert(1)</script>';

describe('hostile input', () => {
  const ctx = useTestContext();

  it('refuses operator injection in sign-in, query strings and API bodies, writing nothing', async () => {
    const manager = await signedInAs(ctx, 'manager');
    const agent = request.agent(ctx.app);
    const token = csrfTokenOf((await agent.get('/login').expect(200)).text);
    const login = await agent.post('/login').type('form').send(`_csrf=${token}&email[$ne]=x&password[$ne]=x`);
    expect(login.status).to.be.oneOf([400, 401]);
    await agent.get('/surveys').expect(303); // not signed in
    // Express 5's simple query parser never builds objects from a[b]=c: such a key is just unknown.
    await manager.get('/contacts?q[$gt]=').expect(200);
    const survey = await makeSurvey(ctx, { status: 'active' });
    await manager.get(`/surveys/${String(survey._id)}/results?prop=$where&value=x`).expect(400);
    const key = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'k',
        scope: 'read_write',
      })
    ).key;
    const api = await request(ctx.app)
      .post('/api/v1/contacts/bulk')
      .set('Authorization', `Bearer ${key}`)
      .send({ contacts: [{ email: { $gt: '' } }] })
      .expect(400);
    expect(api.body.error.code).to.equal('VALIDATION_FAILED');
    await request(ctx.app)
      .get(`/api/v1/surveys/${String(survey._id)}/responses?cursor[$gt]=a`)
      .set('Authorization', `Bearer ${key}`)
      .expect(400);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
  });

  it('ignores prototype-pollution keys in JSON and forms', async () => {
    const key = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'k',
        scope: 'read_write',
      })
    ).key;
    const res = await request(ctx.app)
      .post('/api/v1/surveys')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/json')
      .send(
        '{"name":"X","companyName":"Acme","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
      );
    expect(res.status).to.equal(400);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const { token } = await makeInvitation(ctx);
    const page = await request(ctx.app).get(`/r/${token}/9`).expect(200);
    const stamp = /name="stamp" value="([^"]+)"/.exec(page.text)![1]!;
    ctx.clock.advance(10_000);
    await request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send(`stamp=${encodeURIComponent(stamp)}&score=9&__proto__[polluted]=1&constructor[prototype][polluted]=1`)
      .expect(303);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('answers huge bodies with 413, wrong content types and invalid UTF-8 with 4xx, and keeps serving', async () => {
    const manager = await signedInAs(ctx, 'manager');
    const token = csrfTokenOf((await manager.get('/surveys/new').expect(200)).text);
    const huge = await manager
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: 'x'.repeat(200_000), companyName: 'Acme' });
    expect(huge.status).to.equal(413);
    const { token: link } = await makeInvitation(ctx);
    await request(ctx.app)
      .post(`/r/${link}`)
      .type('form')
      .send(`score=9&comment=${'x'.repeat(70_000)}`)
      .expect(413);
    const key = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'k',
        scope: 'read_write',
      })
    ).key;
    await request(ctx.app)
      .post('/api/v1/surveys')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/xml')
      .send('<survey/>')
      .expect(415);
    const badJson = await request(ctx.app)
      .post('/api/v1/surveys')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/json')
      .send('{"name": "x",');
    expect(badJson.status).to.equal(400);
    expect(badJson.body.error.code).to.equal('MALFORMED_BODY');
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"name":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('","companyName":"Acme"}'),
    ]);
    // Raw bytes (superagent would otherwise JSON-encode the Buffer object).
    const utf = await request(ctx.app)
      .post('/api/v1/surveys')
      .set('Authorization', `Bearer ${key}`)
      .set('Content-Type', 'application/json')
      .serialize(() => invalidUtf8 as unknown as string)
      .send({});
    expect(utf.status, JSON.stringify(utf.body)).to.equal(415);
    expect(utf.body.error.message).to.equal('Send the request body as UTF-8.');
    expect(await ctx.models.surveys.countDocuments({})).to.equal(1); // only makeInvitation's survey
    await request(ctx.app).get('/healthz').expect(200);
  });

  it('shows script tags typed anywhere as text, never as markup', async () => {
    const manager = await signedInAs(ctx, 'manager');
    const token = csrfTokenOf((await manager.get('/surveys/new').expect(200)).text);
    const created = await manager
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: SCRIPT, companyName: SCRIPT })
      .expect(303);
    const id = /\/surveys\/([a-f0-9]{24})/.exec(created.headers.location!)![1]!;
    for (const path of [
      '/surveys',
      `/surveys/${id}`,
      `/surveys/${id}/edit`,
      `/surveys/${id}/results`,
      `/surveys/${id}/preview`,
    ]) {
      const page = await manager.get(path).expect(200);
      expect(page.text, path).not.to.contain(SCRIPT);
      expect(page.text, path).to.contain('&lt;script&gt;');
    }
  });

  it('does not let an uploaded file name reach the file system or the page as markup', async () => {
    const manager = await signedInAs(ctx, 'manager');
    const token = csrfTokenOf((await manager.get('/contacts/import').expect(200)).text);
    const res = await manager
      .post('/contacts/import')
      .field('_csrf', token)
      .attach('file', Buffer.from('email\na@example.com\n'), '../../etc/<b>passwd</b>.csv')
      .expect(303);
    const report = await manager.get(res.headers.location!).expect(200);
    expect(report.text).not.to.contain('<b>passwd</b>');
    expect(await ctx.models.contacts.countDocuments({})).to.equal(1);
  });
  it('keeps the autopilot, branding and trigger inputs safe: operators refused, script tags shown as text in pages and email', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const id = String(survey._id);
    const key = (
      await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
        name: 'k',
        scope: 'read_write',
      })
    ).key;
    const trigger = (body: string) =>
      request(ctx.app)
        .post(`/api/v1/surveys/${id}/triggers`)
        .set('Authorization', `Bearer ${key}`)
        .set('Content-Type', 'application/json')
        .send(body);
    for (const body of [
      '{"idempotencyKey":{"$ne":null},"contact":{"email":"a@example.com"}}',
      '{"idempotencyKey":"k1","contact":{"email":{"$gt":""}}}',
      '{"idempotencyKey":"k1","contact":{"email":"a@example.com","properties":{"$where":"1"}}}',
      '{"idempotencyKey":"k1","contact":{"email":"a@example.com"},"__proto__":{"polluted":true}}',
    ]) {
      expect((await trigger(body)).status, body).to.equal(400);
    }
    expect(await ctx.models.triggers.countDocuments({})).to.equal(0);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);

    const manager = await signedInAs(ctx, 'manager');
    const page = await manager.get(`/surveys/${id}/branding`).expect(200);
    await manager
      .post(`/surveys/${id}/branding`)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), accentColor: '#000000', footerText: `Acme ${SCRIPT}` })
      .expect(303);
    const again = await manager.get(`/surveys/${id}/branding`).expect(200);
    expect(again.text).not.to.contain(SCRIPT);
    expect(again.text).to.contain('Acme &lt;script&gt;alert(1)&lt;/script&gt;');
    const email = await manager.get(`/surveys/${id}/preview/email`).expect(200);
    expect(email.text).not.to.contain(SCRIPT);
    expect(email.text).to.contain('&lt;script&gt;');
    const css = await manager
      .post(`/surveys/${id}/branding`)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), accentColor: '#000;} body{display:none', footerText: '' })
      .expect(400);
    expect(css.text).to.contain('Enter a colour as # and six hex digits');
    const autopilot = await manager.get(`/surveys/${id}/autopilot`).expect(200);
    const bad = await manager
      .post(`/surveys/${id}/autopilot`)
      .type('form')
      .send({ _csrf: csrfTokenOf(autopilot.text), enabled: 'on', joinDateProperty: '$where', everyDays: '90' })
      .expect(400);
    expect(bad.text).to.contain('A property name cannot contain');
    expect((await ctx.models.surveys.findById(survey._id).lean())!.autopilot?.enabled).to.not.equal(true);
  });
});
