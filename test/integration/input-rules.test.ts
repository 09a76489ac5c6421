import { Readable } from 'node:stream';
import { expect } from 'chai';

import { ValidationError } from '../../server/lib/errors.js';
import { signedInAs } from '../helpers/agent.js';
import { apiHelpers } from '../helpers/api.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';

const csv = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);
const manyProperties = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, 'x']));

/** One rule per input: whatever a schema accepts is handled (no 500), with a 400 naming the field. */
describe('inputs the app accepts are handled; the rest are 400 naming the field', () => {
  const ctx = useTestContext();
  const { keys, api } = apiHelpers(ctx);

  it('API summary and responses.csv: bad filter combinations and property names are 400, never 500', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const { read } = await keys();
    const cases: Array<[string, string, RegExp]> = [
      ['range=custom', 'from', /custom range needs both/],
      ['range=custom&from=2026-05-10&to=2026-05-01', 'to', /end date is before/],
      ['prop=plan', 'value', /property value/],
      [`prop=${encodeURIComponent(' plan')}&value=Pro`, 'prop', /starts or ends with a space/],
      ['prop=%24where&value=1', 'prop', /starts with "\$"/],
      [`prop=${'p'.repeat(65)}&value=1`, 'prop', /longer than 64/],
      ['prop=a%00b&value=1', 'prop', /control character/],
      ['range=custom&from=0100-01-01&to=2026-01-01', 'from', /year from 1970 to 2199/],
      ['range=custom&from=2026-01-01&to=10000-01-01', 'to', /date like/],
      ['range=custom&from=2026-02-30&to=2026-03-01', 'from', /does not exist/],
    ];
    for (const path of ['summary', 'responses.csv'])
      for (const [qs, field, message] of cases) {
        const res = await api('get', `/surveys/${String(survey._id)}/${path}?${qs}`, read);
        expect(res.status, `${path}?${qs}`).to.equal(400);
        expect(res.body.error.fields, `${path}?${qs}`).to.have.property(field).that.matches(message);
      }
  });

  it('the results page refuses the same, and bounds any trend it draws', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results`;
    const ancient = await viewer.get(`${url}?range=custom&from=0100-01-01&to=9998-12-31&interval=rolling`).expect(400);
    expect(ancient.text).to.contain('Use a year from 1970 to 2199.');
    const widest = await viewer.get(`${url}?range=custom&from=1970-01-01&to=2199-12-31&interval=rolling`).expect(200);
    const rows = (/<table class="numbers" id="trend-table">[\s\S]*?<\/table>/.exec(widest.text)?.[0] ?? '').match(
      /<tr/g,
    );
    expect(rows?.length ?? 0).to.be.within(2, 401); // a header row and at most 400 points
    const daily = await viewer.get(`${url}?range=custom&from=1970-01-01&to=2199-12-31&interval=day`).expect(200);
    expect(daily.text).to.contain('Grouped by month: by day this range would have more than 400 points.');
  });

  it('API bulk upsert: a contact with a bad property is reported by index; the others are saved', async () => {
    const { write } = await keys();
    const res = await api('post', '/contacts/bulk', write)
      .send({
        contacts: [
          { email: 'ann@example.com', properties: { plan: 'Pro' } },
          { email: 'bob@example.com', properties: { 'pl\u0000an': 'Pro' } },
          { email: 'cid@example.com', properties: manyProperties(3000) },
          { email: 'dan@example.com', properties: JSON.parse('{"__proto__": "x"}') as Record<string, string> },
          { email: 'eve@example.com', properties: manyProperties(50) },
        ],
      })
      .expect(200);
    expect(res.body.data).to.include({ created: 2, skipped: 3 });
    const reasons = (res.body.data.problems as Array<{ index: number; reason: string }>).map((p) => [
      p.index,
      p.reason,
    ]);
    expect(reasons).to.deep.equal([
      [1, 'property name "pl\u0000an" contains a control character'],
      [2, 'has 3000 properties; at most 50 are kept per contact'],
      [3, 'property name "__proto__" is a reserved name'],
    ]);
    expect((await ctx.models.contacts.find({}).lean()).map((c) => c.email).sort()).to.deep.equal([
      'ann@example.com',
      'eve@example.com',
    ]);
  });

  it('event triggers refuse a bad property name with 400 and store nothing', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const { write } = await keys();
    const res = await api('post', `/surveys/${String(survey._id)}/triggers`, write)
      .send({ idempotencyKey: 'order-1', contact: { email: 'ann@example.com' }, properties: { 'a\u0000b': '1' } })
      .expect(400);
    expect(JSON.stringify(res.body.error.fields)).to.contain('control character');
    expect(await ctx.models.contacts.countDocuments({})).to.equal(0);
    expect(await ctx.models.invitations.countDocuments({})).to.equal(0);
  });

  it('compares property names without case across files and the API, keeping the first spelling', async () => {
    // A contact written before names were registered carries "plan": that spelling wins.
    await ctx.models.contacts.collection.insertOne({
      email: 'old@example.com',
      name: '',
      properties: { plan: 'Free' },
    });
    await ctx.services.contactImports.importCsv(csv('email,Plan,Region\nann@example.com,Pro,EU\n'));
    const { write } = await keys();
    const res = await api('post', '/contacts/bulk', write)
      .send({
        contacts: [
          { email: 'bob@example.com', properties: { PLAN: 'Team', region: 'US' } },
          { email: 'cid@example.com', properties: { plan: 'A', Plan: 'B' } },
        ],
      })
      .expect(200);
    expect(res.body.data.problems).to.deep.equal([
      { index: 1, email: 'cid@example.com', reason: 'gives the property "plan" twice (as "plan" and "Plan")' },
    ]);
    const props = async (email: string) => (await ctx.models.contacts.findOne({ email }).lean())!.properties;
    expect(await props('ann@example.com')).to.deep.equal({ plan: 'Pro', Region: 'EU' });
    expect(await props('bob@example.com')).to.deep.equal({ plan: 'Team', Region: 'US' });
    expect(await ctx.services.stores.contacts.knownPropertyKeys()).to.deep.equal(['plan', 'Region']);
  });

  it('the CSV import names a header it cannot use, and reports a row with too many properties', async () => {
    for (const [header, why] of [
      ['email,pl\u0000an', 'contains a control character'],
      ['email,__proto__', 'is a reserved name'],
      [`email,${'p'.repeat(65)}`, 'is longer than 64 characters'],
    ]) {
      let error: unknown;
      await ctx.services.contactImports
        .importCsv(csv(`${header}\na@example.com,1\n`))
        .catch((e: unknown) => (error = e));
      expect(error, header).to.be.instanceOf(ValidationError);
      expect((error as Error).message).to.contain(why);
    }
    const wide = Array.from({ length: 51 }, (_, i) => `p${i}`);
    const report = await ctx.services.contactImports.importCsv(
      csv(
        `email,${wide.join(',')}\nann@example.com,${wide.map(() => 'x').join(',')}\nbob@example.com,${wide.map((_, i) => (i < 3 ? 'x' : '')).join(',')}\n`,
      ),
    );
    expect(report).to.deep.include({ created: 1, skipped: 1 });
    expect(JSON.stringify(report)).to.contain('has 51 properties; at most 50');
    expect(await ctx.models.contacts.countDocuments({})).to.equal(1);
  });
});
