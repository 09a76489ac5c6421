import { expect } from 'chai';
import request from 'supertest';

import { browser, createUser, csrfTokenOf, formToken, signedInAs, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';

/** Every route that changes or reveals something, with the lowest role allowed to use it. */
const ROUTES = {
  viewer: [
    { method: 'get', path: '/surveys' },
    { method: 'get', path: '/contacts' },
    { method: 'get', path: '/account' },
  ],
  manager: [
    { method: 'get', path: '/surveys/new' },
    { method: 'post', path: '/surveys', body: { name: 'Q1', companyName: 'Acme' } },
    { method: 'post', path: '/surveys/000000000000000000000000/autopilot', body: { enabled: 'on', everyDays: '90' } },
    { method: 'get', path: '/surveys/000000000000000000000000/branding' },
    { method: 'post', path: '/surveys/000000000000000000000000/branding', body: { accentColor: '#000000' } },
    { method: 'post', path: '/surveys/000000000000000000000000/branding/logo/remove' },
    { method: 'get', path: '/surveys/000000000000000000000000/branding/logo' },
  ],
  admin: [
    { method: 'get', path: '/users' },
    {
      method: 'post',
      path: '/users',
      body: { email: 'x@example.com', role: 'admin', password: 'twelve chars at least' },
    },
    { method: 'post', path: '/users/000000000000000000000000/role', body: { role: 'admin' } },
    { method: 'post', path: '/users/000000000000000000000000/disabled', body: { disabled: 'true' } },
  ],
} as const;

type Route = { method: 'get' | 'post'; path: string; body?: Record<string, string> };

async function call(agent: Agent, route: Route, token: string) {
  return route.method === 'get'
    ? agent.get(route.path)
    : agent
        .post(route.path)
        .type('form')
        .send({ _csrf: token, ...route.body });
}

describe('access control and CSRF', () => {
  const ctx = useTestContext();

  it('gives a viewer 403 on every manager and admin route, and stores nothing', async () => {
    const agent = await signedInAs(ctx, 'viewer');
    const token = csrfTokenOf((await agent.get('/surveys').expect(200)).text);
    for (const route of [...ROUTES.manager, ...ROUTES.admin] as Route[]) {
      const res = await call(agent, route, token);
      expect(res.status, `${route.method} ${route.path}`).to.equal(403);
      expect(res.text).to.contain('This needs the');
    }
    expect(await ctx.models.surveys.countDocuments({})).to.equal(0);
    expect(await ctx.models.users.countDocuments({})).to.equal(1);
  });

  it('gives a manager 403 on admin routes but lets them create a survey', async () => {
    const agent = await signedInAs(ctx, 'manager');
    const token = csrfTokenOf((await agent.get('/surveys').expect(200)).text);
    for (const route of ROUTES.admin as readonly Route[]) {
      expect((await call(agent, route, token)).status, `${route.method} ${route.path}`).to.equal(403);
    }
    await agent.post('/surveys').type('form').send({ _csrf: token, name: 'Q1 NPS', companyName: 'Acme' }).expect(303);
    const survey = await ctx.models.surveys.findOne({}).lean();
    expect(survey).to.include({ name: 'Q1 NPS', companyName: 'Acme', status: 'draft' });
    expect(survey?.questions?.recommend).to.equal(
      'How likely are you to recommend {company} to a friend or colleague?',
    );
  });

  it('sends signed-out browsers to sign in from every protected page, and answers other clients 401', async () => {
    const all = [...ROUTES.viewer, ...ROUTES.manager, ...ROUTES.admin] as Route[];
    for (const route of all.filter((r) => r.method === 'get')) {
      await request(ctx.app)
        .get(route.path)
        .set('Accept', 'text/html')
        .expect(303)
        .expect('location', `/login?next=${encodeURIComponent(route.path)}`);
      await request(ctx.app).get(route.path).set('Accept', 'application/json').expect(401);
    }
  });

  it('refuses a POST without a CSRF token with 403, and one with a token from another session', async () => {
    await createUser(ctx, 'manager');
    const agent = await signedInAs(ctx, 'admin');
    const missing = await agent.post('/surveys').type('form').send({ name: 'Q1', companyName: 'Acme' });
    expect(missing.status).to.equal(403);
    expect(missing.text).to.contain('This form has expired or was sent from another site');

    const stranger = browser(ctx.app);
    const foreignToken = await formToken(stranger, '/login');
    await agent
      .post('/surveys')
      .type('form')
      .send({ _csrf: foreignToken, name: 'Q1', companyName: 'Acme' })
      .expect(403);

    const loginWithoutToken = await browser(ctx.app)
      .post('/login')
      .type('form')
      .send({ email: 'manager@example.com', password: 'whatever it is' });
    expect(loginWithoutToken.status).to.equal(403);
    expect(await ctx.models.surveys.countDocuments({})).to.equal(0);
  });

  it('lets an admin add users and change roles, but never demote the last admin', async () => {
    const agent = await signedInAs(ctx, 'admin');
    const token = await formToken(agent, '/users');
    await agent
      .post('/users')
      .type('form')
      .send({ _csrf: token, email: 'Lee@Example.com', name: 'Lee', role: 'manager', password: 'a good long password' })
      .expect(303);
    const lee = await ctx.models.users.findOne({ email: 'lee@example.com' }).lean();
    expect(lee?.role).to.equal('manager');

    const dup = await agent
      .post('/users')
      .type('form')
      .send({ _csrf: token, email: 'lee@example.com', role: 'viewer', password: 'a good long password' })
      .expect(400);
    expect(dup.text).to.contain('An account with this email already exists');

    await agent
      .post(`/users/${String(lee!._id)}/role`)
      .type('form')
      .send({ _csrf: token, role: 'viewer' })
      .expect(303);
    expect((await ctx.models.users.findById(lee!._id).lean())?.role).to.equal('viewer');

    const admin = await ctx.models.users.findOne({ role: 'admin' }).lean();
    await agent
      .post(`/users/${String(admin!._id)}/role`)
      .type('form')
      .send({ _csrf: token, role: 'viewer' })
      .expect(303);
    const page = await agent.get('/users').expect(200);
    expect(page.text).to.contain('You cannot remove the last admin');
    expect((await ctx.models.users.findById(admin!._id).lean())?.role).to.equal('admin');
  });

  it('rejects an unknown role with a message naming the choices', async () => {
    const agent = await signedInAs(ctx, 'admin');
    const token = await formToken(agent, '/users');
    const res = await agent
      .post('/users')
      .type('form')
      .send({ _csrf: token, email: 'z@example.com', role: 'owner', password: 'a good long password' })
      .expect(400);
    expect(res.text).to.contain('Choose admin, manager or viewer');
    expect(await ctx.models.users.countDocuments({})).to.equal(1);
  });
});
