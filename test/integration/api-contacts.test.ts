import { expect } from 'chai';
import request from 'supertest';

import { apiHelpers } from '../helpers/api.js';
import { useTestContext } from '../helpers/context.js';

describe('JSON API: contacts for integrations', () => {
  const ctx = useTestContext();
  const { keys, api } = apiHelpers(ctx);

  it('answers a bulk upsert with every row in input order: its id, created or updated, or why it was skipped', async () => {
    const { write } = await keys();
    const existing = await api('post', '/contacts/bulk', write)
      .send({ contacts: [{ email: 'bo@example.com' }] })
      .expect(200);
    const boId = existing.body.data.contacts[0].id as string;
    const res = await api('post', '/contacts/bulk', write)
      .send({
        contacts: [
          { email: 'Ana@Example.com', name: 'Ana' },
          { email: 'not-an-email' },
          { email: 'bo@example.com', name: 'Bo' },
          { email: 'ana@example.com' },
          { email: 'cy@example.com', properties: { 'a.b': 'x' } },
        ],
      })
      .expect(200);
    const stored = new Map(
      (await ctx.models.contacts.find({}).lean()).map((c) => [c.email, String(c._id)] as [string, string]),
    );
    expect(res.body.data).to.include({ created: 1, updated: 1, skipped: 3 });
    expect(res.body.data.contacts.map((r: { index: number; status: string }) => [r.index, r.status])).to.deep.equal([
      [0, 'created'],
      [1, 'skipped'],
      [2, 'updated'],
      [3, 'skipped'],
      [4, 'skipped'],
    ]);
    const [ana, bad, bo, dup] = res.body.data.contacts;
    expect(ana).to.deep.equal({
      index: 0,
      email: 'ana@example.com',
      id: stored.get('ana@example.com'),
      status: 'created',
    });
    expect(bo.id).to.equal(boId);
    expect(bad).to.include({ id: null, email: null });
    expect(bad.reason).to.contain('not-an-email');
    expect(dup.reason).to.contain('already at index 0');
    expect(stored.has('cy@example.com')).to.equal(false);
  });

  it('lists contacts page by page with a cursor, by email, by property value in any case, and changed since a time', async () => {
    const { read, write } = await keys();
    const rows = ['e', 'd', 'c', 'b', 'a'].map((x, i) => ({
      email: `${x}@example.com`,
      properties: { plan: i % 2 === 0 ? 'Pro' : 'Free' },
    }));
    const created = (await api('post', '/contacts/bulk', write).send({ contacts: rows }).expect(200)).body.data
      .contacts as { id: string }[];
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: request.Response = await api(
        'get',
        `/contacts?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        read,
      ).expect(200);
      seen.push(...page.body.data.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    // Creation order (ids ascend in input order), every contact once.
    expect([seen, pages]).to.deep.equal([created.map((c) => c.id).sort(), 3]);

    const one = await api('get', '/contacts?email=C@Example.com', read).expect(200);
    expect(one.body.data.map((c: { email: string }) => c.email)).to.deep.equal(['c@example.com']);
    expect(one.body.data[0]).to.deep.include({ properties: { plan: 'Pro' }, unsubscribed: false });
    const pro = await api('get', '/contacts?property=PLAN&value=Pro', read).expect(200);
    expect(pro.body.data.map((c: { email: string }) => c.email).sort()).to.deep.equal([
      'a@example.com',
      'c@example.com',
      'e@example.com',
    ]);

    ctx.clock.advance(60_000);
    const since = ctx.clock.now().toISOString();
    await api('post', '/contacts/bulk', write)
      .send({ contacts: [{ email: 'd@example.com', name: 'Dee' }] })
      .expect(200);
    const changed = await api('get', `/contacts?since=${encodeURIComponent(since)}`, read).expect(200);
    expect(changed.body.data.map((c: { email: string; name: string }) => [c.email, c.name])).to.deep.equal([
      ['d@example.com', 'Dee'],
    ]);
    expect(changed.body.data[0].updatedAt).to.equal(since);
  });

  it('refuses bad list filters with 400 naming the field', async () => {
    const { read } = await keys();
    const field = async (query: string) =>
      Object.keys((await api('get', `/contacts?${query}`, read).expect(400)).body.error.fields ?? {});
    expect(await field('property=plan')).to.deep.equal(['value']);
    expect(await field('email=nope')).to.deep.equal(['email']);
    expect(await field('cursor=123')).to.deep.equal(['cursor']);
    expect(await field('since=yesterday')).to.deep.equal(['since']);
    expect(await field('limit=0')).to.deep.equal(['limit']);
    expect(await field('property=__proto__&value=x')).to.deep.equal(['property']);
  });

  it('documents the list and its filters in the OpenAPI document', async () => {
    const doc = (await request(ctx.app).get('/api/openapi.json').expect(200)).body;
    const list = doc.paths['/api/v1/contacts']?.get;
    expect(list, 'GET /contacts in the OpenAPI document').to.not.equal(undefined);
    const names = (list.parameters as { name: string }[]).map((p) => p.name).sort();
    expect(names).to.deep.equal(['cursor', 'email', 'limit', 'property', 'since', 'value']);
  });
});
