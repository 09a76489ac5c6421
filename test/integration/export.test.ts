import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import request from 'supertest';

import { signedInAs, utf8Text } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

const DAY = 86_400_000;

describe('CSV export of responses', () => {
  const ctx = useTestContext({ REPORT_TIME_ZONE: 'America/New_York' });

  async function dataSet() {
    const survey = await makeSurvey(ctx, { status: 'active', name: 'Customer NPS' });
    const ana = await ctx.models.contacts.create({
      email: 'ana@example.com',
      name: 'Ana Lima',
      properties: { plan: 'Pro', region: 'EU' },
    });
    const at = new Date('2026-01-31T04:30:00Z'); // 30 January, 23:30 in New York
    ctx.clock.advance(at.getTime() + 5 * DAY - ctx.clock.now().getTime());
    const [hyperlink] = await makeResponses(ctx, survey._id, [2], {
      submittedAt: at,
      contactId: ana._id,
      comment: '=HYPERLINK("http://evil.example","Click me")',
      repurchase: 'definitely_would_not',
      contactSnapshot: { plan: 'Pro', region: 'EU' },
    });
    await makeResponses(ctx, survey._id, [10], { submittedAt: at, comment: '-5', contactSnapshot: { plan: 'Free' } });
    await makeResponses(ctx, survey._id, [8], { submittedAt: at, comment: 'Line one,\nline "two"', channel: 'link' });
    await makeResponses(ctx, survey._id, [0], { submittedAt: at, review: 'flagged', comment: 'scanner' });
    await ctx.models.followUps.create({
      responseId: hyperlink!._id,
      surveyId: survey._id,
      status: 'in_progress',
      openedAt: at,
    });
    return survey;
  }

  it('streams the counted responses with every column, parseable by a real CSV parser, formulas kept as text', async () => {
    const survey = await dataSet();
    const viewer = await signedInAs(ctx, 'viewer');
    const res = await viewer
      .get(`/surveys/${String(survey._id)}/results/export.csv?range=all`)
      .buffer(true)
      .parse(utf8Text)
      .expect(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.match(/^attachment; filename="customer-nps_all_2026-02-0\d\.csv"$/);
    const text = res.body as string;
    expect(text.includes('\r\n')).to.be.true;
    const rows: Record<string, string>[] = parse(text, { columns: true });
    expect(Object.keys(rows[0]!)).to.deep.equal([
      'response_id',
      'survey',
      'submitted_at',
      'updated_at',
      'contact_email',
      'contact_name',
      'score',
      'category',
      'repurchase',
      'comment',
      'channel',
      'property_plan',
      'property_region',
      'tags',
      'follow_up_status',
    ]);
    expect(rows).to.have.length(3); // the flagged one is left out, as in every figure
    const first = rows[0]!;
    expect(first).to.include({
      survey: 'Customer NPS',
      submitted_at: '2026-01-30T23:30:00-05:00',
      contact_email: 'ana@example.com',
      contact_name: 'Ana Lima',
      score: '2',
      category: 'detractor',
      repurchase: 'Definitely would not',
      comment: '\'=HYPERLINK("http://evil.example","Click me")',
      channel: 'email',
      property_plan: 'Pro',
      property_region: 'EU',
      follow_up_status: 'in_progress',
    });
    expect(rows.map((r) => r.comment)).to.deep.equal([
      '\'=HYPERLINK("http://evil.example","Click me")',
      '-5',
      'Line one,\nline "two"',
    ]);
    expect(rows[2]).to.include({ channel: 'link', contact_email: '', property_plan: '' });
    const log = await ctx.models.exportLogs.findOne({}).lean();
    expect(log).to.include({ status: 'finished', rows: 3, format: 'csv' });
    expect(log!.filters).to.include({ range: 'all' });
  });

  it('applies the filters on screen and can add a BOM for Excel', async () => {
    const survey = await dataSet();
    const viewer = await signedInAs(ctx, 'viewer');
    const res = await viewer
      .get(`/surveys/${String(survey._id)}/results/export.csv?range=all&prop=plan&value=Pro&bom=1`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    const bytes = res.body as Buffer;
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const rows: Record<string, string>[] = parse(bytes.toString('utf8'), { columns: true, bom: true });
    expect(rows.map((r) => r.contact_email)).to.deep.equal(['ana@example.com']);
    await viewer
      .get(`/surveys/${String(survey._id)}/results/export.csv?range=custom&from=2026-02-10&to=2026-02-01`)
      .expect(400);
    await request(ctx.app)
      .get(`/surveys/${String(survey._id)}/results/export.csv`)
      .expect(303);
  });

  it('stops reading when the client goes away, and logs the export as aborted', async function () {
    this.timeout(60_000);
    const survey = await makeSurvey(ctx, { status: 'active' });
    await makeResponses(ctx, survey._id, repeat(9, 20_000), {
      comment: 'x'.repeat(200),
      submittedAt: new Date(ctx.clock.now().getTime() - DAY),
    });
    const viewer = await signedInAs(ctx, 'viewer');
    const cookie = (await viewer.get('/surveys')).request.cookies;
    const server = ctx.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const req = http.get({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      path: `/surveys/${String(survey._id)}/results/export.csv?range=all`,
      headers: { cookie },
    });
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    await once(res, 'data');
    req.destroy();
    let log = await ctx.models.exportLogs.findOne({}).lean();
    for (let i = 0; i < 100 && log?.status === 'started'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      log = await ctx.models.exportLogs.findOne({}).lean();
    }
    server.close();
    expect(log!.status).to.equal('aborted');
    expect(log!.rows).to.be.lessThan(20_000);
  });
});
