import { expect } from 'chai';
import type { Express } from 'express';

import { browser, csrfTokenOf, formToken, signedInAs, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every state-changing route of the app, found by walking its routers (so a new route is covered at once). */
function stateChangingRoutes(app: Express): Array<{ method: string; path: string }> {
  const found: Array<{ method: string; path: string }> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const method of Object.keys(layer.route.methods).filter((m) => m !== 'get' && m !== 'head'))
          for (const path of paths) found.push({ method, path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  // The API (bearer keys) and the links in emails (/r, /u, /s, and /ru for a report's unsubscribe:
  // token-authenticated, no session, RFC 8058 one-click POSTs) are not forms.
  return found.filter((r) => !/^\/(api|r|u|s|ru)\//.test(r.path));
}

const ID = '000000000000000000000000';
const concrete = (path: string) => path.replace(/:[A-Za-z]+/g, ID);

/** Each way a page on another site can post to us without our token (or with its own session's token). */
function forgeries(foreignToken: string) {
  return {
    urlencoded: (a: Agent, p: string) => a.post(p).type('form').send({ confirm: 'yes' }),
    'urlencoded, foreign token': (a: Agent, p: string) => a.post(p).type('form').send({ _csrf: foreignToken }),
    multipart: (a: Agent, p: string) => a.post(p).field('confirm', 'yes'),
    'multipart, foreign token': (a: Agent, p: string) =>
      a.post(p).field('_csrf', foreignToken).attach('file', Buffer.from('email\na@example.com\n'), 'x.csv'),
    json: (a: Agent, p: string) =>
      a.post(p).set('Content-Type', 'application/json').send(`{"_csrf":"${foreignToken}"}`),
    'text/plain': (a: Agent, p: string) => a.post(p).set('Content-Type', 'text/plain').send(`_csrf=${foreignToken}`),
  };
}

describe('CSRF on every state-changing route, whatever the content type', () => {
  const ctx = useTestContext();

  it('refuses a missing or foreign token on every route with 403 and changes nothing', async () => {
    const admin = await signedInAs(ctx, 'admin');
    const other = browser(ctx.app);
    const foreignToken = await formToken(other, '/login');
    const routes = stateChangingRoutes(ctx.app);
    // The routes the review named are among those found.
    const paths = routes.map((r) => r.path);
    for (const named of ['/contacts/:id/delete', '/api-keys/:id/revoke', '/logout', '/contacts/import'])
      expect(paths, named).to.include(named);
    expect(routes.length).to.be.greaterThan(30);
    for (const { method, path } of routes) {
      for (const [way, post] of Object.entries(forgeries(foreignToken))) {
        const res = await post(admin, concrete(path));
        expect(res.status, `${method.toUpperCase()} ${path} (${way}): ${res.text.slice(0, 200)}`).to.equal(403);
      }
    }
    // Still signed in: sign-out was refused too.
    await admin.get('/surveys').expect(200);
    expect(await ctx.models.users.countDocuments({})).to.equal(1);
  });

  it('accepts the same multipart upload with the session token', async () => {
    const admin = await signedInAs(ctx, 'admin');
    const token = csrfTokenOf((await admin.get('/contacts/import').expect(200)).text);
    await admin
      .post('/contacts/import')
      .field('_csrf', token)
      .attach('file', Buffer.from('email\nann@example.com\n'), 'contacts.csv')
      .expect(303);
    expect(await ctx.models.contacts.countDocuments({})).to.equal(1);
  });
});

describe('sessions are stored only when something is put in them', () => {
  const ctx = useTestContext();

  it('stores no session for 100 anonymous requests, and one for a visitor who opens the sign-in form', async () => {
    const sessions = () => ctx.connection.db!.collection('sessions').countDocuments({});
    await signedInAs(ctx, 'admin');
    const before = await sessions();
    for (let i = 0; i < 100; i++) {
      const res = await browser(ctx.app)
        .get(i % 2 ? `/no-such-page-${i}` : '/surveys')
        .set('Accept', 'text/html');
      expect(res.headers['set-cookie'], `request ${i}`).to.equal(undefined);
    }
    expect(await sessions()).to.equal(before);
    await formToken(browser(ctx.app), '/login');
    expect(await sessions()).to.equal(before + 1);
  });

  it('does not rewrite a signed-in session on every page view (touchAfter)', async () => {
    const viewer = await signedInAs(ctx, 'viewer');
    const stored = async () => JSON.stringify(await ctx.connection.db!.collection('sessions').find({}).toArray());
    await viewer.get('/surveys').expect(200); // the first page stores the form token
    const before = await stored();
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 3; i++) await viewer.get('/surveys').expect(200);
    expect(await stored()).to.equal(before);
  });
});
