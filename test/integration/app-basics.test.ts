import { expect } from 'chai';
import request from 'supertest';

import { csrfTokenOf, signedInAs } from '../helpers/agent.js';
import { createTestContext, useTestContext } from '../helpers/context.js';

describe('app basics: probes, errors, headers, static files', () => {
  const ctx = useTestContext();

  it('answers /healthz and /readyz while the database is reachable', async () => {
    expect((await request(ctx.app).get('/healthz').expect(200)).body).to.deep.equal({ status: 'ok' });
    expect((await request(ctx.app).get('/readyz').expect(200)).body).to.deep.equal({ status: 'ready' });
  });

  it('reports not ready when its database connection is gone', async () => {
    const other = await createTestContext();
    await other.connection.close();
    const res = await request(other.app).get('/readyz').expect(503);
    expect((res.body as { status: string }).status).to.equal('database unreachable');
    await request(other.app).get('/healthz').expect(200);
  });

  it('renders a 404 page for an unknown route, and JSON under /api', async () => {
    const page = await request(ctx.app).get('/no/such/page').set('Accept', 'text/html').expect(404);
    expect(page.type).to.equal('text/html');
    expect(page.text).to.contain('Page not found');
    expect(page.text).to.contain('Nothing lives at /no/such/page');
    const api = await request(ctx.app).get('/api/nothing').expect(404);
    expect(api.body).to.deep.equal({
      error: {
        code: 'NOT_FOUND',
        message: 'Nothing lives at /api/nothing. Check the address, or go back to the start page.',
      },
    });
  });

  it('escapes what a user typed when it is shown back', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = csrfTokenOf((await agent.get('/surveys/new').expect(200)).text);
    const res = await agent
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: '<script>alert(1)</script>', companyName: '' })
      .expect(400);
    expect(res.text).not.to.contain('<script>alert(1)</script>');
    expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).to.contain('Enter the company or product name');
  });

  it('answers a bad query parameter with 400 naming it', async () => {
    const agent = await signedInAs(ctx, 'viewer');
    const res = await agent.get('/contacts?page=abc').expect(400);
    expect(res.text).to.contain('page');
  });

  it('refuses an oversized form body with 413', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = csrfTokenOf((await agent.get('/surveys/new').expect(200)).text);
    const res = await agent
      .post('/surveys')
      .type('form')
      .send({ _csrf: token, name: 'x'.repeat(200_000), companyName: 'Acme' });
    expect(res.status).to.equal(413);
    expect(await ctx.models.surveys.countDocuments({})).to.equal(0);
  });

  it('sends a strict Content-Security-Policy with no inline script and base-uri none', async () => {
    const res = await request(ctx.app).get('/setup').expect(200);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).to.contain("script-src 'self'");
    expect(csp).to.contain("base-uri 'none'");
    expect(csp).to.contain("frame-ancestors 'none'");
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).not.to.contain('unsafe-eval');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/);
  });

  it('serves Chart.js and the stylesheet itself, with no third-party origin on the page', async () => {
    const chart = await request(ctx.app).get('/static/vendor/chart.js/chart.umd.min.js').expect(200);
    expect(chart.text).to.contain('Chart');
    await request(ctx.app).get('/static/css/base.css').expect(200).expect('content-type', /css/);
    const page = await request(ctx.app).get('/setup').expect(200);
    const urls = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.filter((u) => /^(https?:)?\/\//.test(u))).to.deep.equal([]);
  });

  it('does not leak a stack trace outside development', async () => {
    const agent = await signedInAs(ctx, 'viewer');
    // Closing the database makes the next page fail inside a service.
    const other = await createTestContext();
    await other.connection.close();
    const cookie = ((await agent.get('/surveys').expect(200)).request as unknown as { cookies: string }).cookies;
    const res = await request(other.app).get('/surveys').set('Cookie', cookie).set('Accept', 'text/html');
    expect(res.status).to.equal(500);
    expect(res.text).to.contain('Something went wrong on our side');
    expect(res.text).not.to.match(/at .*\.ts:\d+/);
  });
});
