import { Readable } from 'node:stream';
import { expect } from 'chai';
import request from 'supertest';

import { browser, formToken, signedInAs } from '../helpers/agent.js';
import { apiHelpers } from '../helpers/api.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeSurvey } from '../helpers/factories.js';

const chunks = (bytes: Buffer, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

/** The smaller findings of the outside review, each as a user or integration would meet it. */
describe('smaller review findings', () => {
  const ctx = useTestContext();
  const { keys, api } = apiHelpers(ctx);

  it('answers 404 for the progress of a survey that does not exist', async () => {
    const viewer = await signedInAs(ctx, 'viewer');
    await viewer.get('/surveys/0123456789abcdef01234567/progress.json').expect(404);
    const survey = await makeSurvey(ctx);
    await viewer.get(`/surveys/${String(survey._id)}/progress.json`).expect(200);
  });

  it('skips an order whose contact id does not exist, and keeps the others', async () => {
    const { write } = await keys();
    const ann = await ctx.models.contacts.create({ email: 'ann@example.com', name: 'Ann', properties: {} });
    const res = await api('post', '/orders/bulk', write)
      .send({
        orders: [
          { contactId: String(ann._id), reference: 'A-1', orderedAt: '2026-01-05T10:00:00Z' },
          { contactId: '0123456789abcdef01234567', reference: 'A-2', orderedAt: '2026-01-05T10:00:00Z' },
        ],
      })
      .expect(200);
    expect(res.body.data).to.include({ created: 1, skipped: 1 });
    expect(res.body.data.problems).to.deep.equal([{ index: 1, reason: 'no contact with id 0123456789abcdef01234567' }]);
    expect(await ctx.models.orders.countDocuments({})).to.equal(1);
  });

  it('sends Cache-Control: no-store on signed-in pages', async () => {
    const viewer = await signedInAs(ctx, 'viewer');
    for (const path of ['/surveys', '/contacts', '/account'])
      expect((await viewer.get(path).expect(200)).headers['cache-control'], path).to.equal('no-store');
  });

  it('reads a Latin-1 CSV as such and says so; refuses bytes that are not UTF-8 later in a UTF-8 file', async () => {
    const latin1 = Buffer.from('email,name,city\nana@example.com,José Müller,Köln\n', 'latin1');
    const manager = await signedInAs(ctx, 'manager');
    const token = await formToken(manager, '/contacts/import');
    const res = await manager
      .post('/contacts/import')
      .field('_csrf', token)
      .attach('file', latin1, 'x.csv')
      .expect(303);
    const report = await manager.get(res.headers.location!).expect(200);
    expect(report.text).to.contain('read as Windows-1252');
    const ana = await ctx.models.contacts.findOne({ email: 'ana@example.com' }).lean();
    expect(ana).to.deep.include({ name: 'José Müller', properties: { city: 'Köln' } });

    const utf8Then1252 = Buffer.concat([
      Buffer.from(`email,name\n${Array.from({ length: 6000 }, (_, i) => `u${i}@example.com,Zoë`).join('\n')}\n`),
      Buffer.from('late@example.com,Andrés\n', 'latin1'),
    ]);
    let error: unknown;
    await ctx.services.contactImports
      .importCsv(Readable.from(chunks(utf8Then1252, 16_384)))
      .catch((err: unknown) => (error = err));
    expect(String(error)).to.match(/not valid UTF-8 after byte [\d,]+\. Save it as "CSV UTF-8"/);
    expect(await ctx.models.contacts.countDocuments({ name: 'Andr\uFFFDs' })).to.equal(0); // nothing mangled
  });

  it('keeps the first submission time in the export when the customer changes their answer, and says so', async () => {
    const { survey, token } = await makeInvitation(ctx);
    const answer = async (score: string) => {
      const page = await request(ctx.app).get(`/r/${token}/${score}`).expect(200);
      ctx.clock.advance(12_000);
      const stamp = /name="stamp" value="([^"]+)"/.exec(page.text)![1]!;
      await request(ctx.app).post(`/r/${token}`).type('form').send({ stamp, score }).expect(303);
    };
    await answer('9');
    const first = ctx.clock.now();
    ctx.clock.advance(86_400_000); // the next day
    await answer('3');
    const manager = await signedInAs(ctx, 'manager');
    const csv = (await manager.get(`/surveys/${String(survey._id)}/results/export.csv?range=all`).expect(200)).text;
    const [header, row] = csv
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    const at = (name: string) => row![header!.indexOf(name)]!;
    expect(new Date(at('submitted_at')).getTime()).to.be.closeTo(first.getTime(), 1000);
    expect(new Date(at('updated_at')).getTime()).to.be.closeTo(ctx.clock.now().getTime(), 1000);
    expect(at('score')).to.equal('3');
    const results = await manager.get(`/surveys/${String(survey._id)}/results`).expect(200);
    expect(results.text).to.contain('an answer counts on the day of its latest submission');
  });

  it('tells the loser of a simultaneous first setup that setup is done, not that the email exists', async () => {
    const [a, b] = [browser(ctx.app), browser(ctx.app)];
    const [ta, tb] = [await formToken(a, '/setup'), await formToken(b, '/setup')];
    const body = (token: string) => ({
      _csrf: token,
      email: 'owner@example.com',
      password: 'lantern orbit cactus meadow',
      passwordConfirm: 'lantern orbit cactus meadow',
    });
    const results = await Promise.all([
      a.post('/setup').type('form').send(body(ta)),
      b.post('/setup').type('form').send(body(tb)),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal([303, 303]);
    const loser = results.find((r) => r.headers.location === '/login')!;
    expect(loser, 'one was sent to sign in').to.not.equal(undefined);
    const agent = loser === results[0] ? a : b;
    const login = await agent.get('/login').expect(200);
    expect(login.text).to.contain('Setup is already complete.');
    expect(login.text).not.to.contain('An account with this email already exists.');
    expect(await ctx.models.users.countDocuments({})).to.equal(1);
    await request(ctx.app).get('/setup').expect(303);
  });
});
