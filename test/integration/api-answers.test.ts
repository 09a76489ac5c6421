import { expect } from 'chai';
import { parse } from 'csv-parse/sync';

import { utf8Text } from '../helpers/agent.js';
import { apiHelpers } from '../helpers/api.js';
import { useTestContext } from '../helpers/context.js';
import { makeResponses, makeSurvey, repeat } from '../helpers/factories.js';

describe('JSON API /api/v1: answers, figures and orders', () => {
  const ctx = useTestContext({ API_REQUESTS_PER_MINUTE: '40' });
  const { keys, api } = apiHelpers(ctx);

  describe('resources', () => {
    it('responses: cursor paging over every response exactly once, `since`, and get by id', async () => {
      const { read } = await keys();
      const survey = await makeSurvey(ctx, { status: 'active' });
      await makeResponses(ctx, survey._id, repeat(9, 25), { contactSnapshot: { plan: 'Pro' } });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await api(
          'get',
          `/surveys/${String(survey._id)}/responses?limit=10${cursor ? `&cursor=${cursor}` : ''}`,
          read,
        ).expect(200);
        seen.push(...res.body.data.map((r: { id: string }) => r.id));
        cursor = res.body.nextCursor as string | null;
        pages++;
      } while (cursor);
      expect(pages).to.equal(3);
      expect(new Set(seen).size).to.equal(25);
      const one = await api('get', `/responses/${seen[0]}`, read).expect(200);
      expect(one.body.data).to.deep.include({ score: 9, category: 'promoter', properties: { plan: 'Pro' } });
      const future = new Date(ctx.clock.now().getTime() + 60_000).toISOString();
      expect(
        (await api('get', `/surveys/${String(survey._id)}/responses?since=${future}`, read).expect(200)).body.data,
      ).to.have.length(0);
      const bad = await api('get', `/surveys/${String(survey._id)}/responses?limit=5000&since=yesterday`, read).expect(
        400,
      );
      expect(Object.keys(bad.body.error.fields as object).sort()).to.deep.equal(['limit', 'since']);
      await api('get', `/surveys/${String(survey._id)}/responses?page=2`, read).expect(400);
    });

    it('responses: only counted ones by default, agreeing with the summary; others on request, with their state', async () => {
      const { read } = await keys();
      const survey = await makeSurvey(ctx, { status: 'active' });
      await makeResponses(ctx, survey._id, [10, 9]);
      await makeResponses(ctx, survey._id, [0], { review: 'flagged' });
      await makeResponses(ctx, survey._id, [1], { review: 'discarded' });
      await makeResponses(ctx, survey._id, [3], { review: 'accepted' });
      const list = async (qs: string) =>
        (
          (await api('get', `/surveys/${String(survey._id)}/responses${qs}`, read).expect(200)).body.data as Array<{
            score: number;
            review: string;
          }>
        ).map((r) => `${r.score}:${r.review}`);
      expect(await list('')).to.deep.equal(['10:none', '9:none', '3:accepted']);
      const summary = await api('get', `/surveys/${String(survey._id)}/summary`, read).expect(200);
      expect(summary.body.data.n).to.equal(3);
      expect(await list('?review=flagged')).to.deep.equal(['0:flagged']);
      expect(await list('?review=all')).to.have.length(5);
      await api('get', `/surveys/${String(survey._id)}/responses?review=spam`, read).expect(400);
    });

    it('summary: the results page figures for given filters (worked example 60 / 25 / 15)', async () => {
      const { read } = await keys();
      const survey = await makeSurvey(ctx, { status: 'active' });
      await makeResponses(ctx, survey._id, [...repeat(10, 60), ...repeat(8, 25), ...repeat(2, 15)], {
        repurchase: 'probably_would',
      });
      const res = await api('get', `/surveys/${String(survey._id)}/summary?range=30d`, read).expect(200);
      expect(res.body.data).to.deep.include({
        n: 100,
        promoters: 60,
        passives: 25,
        detractors: 15,
        nps: 45,
        npsRounded: 45,
        smallSample: false,
      });
      expect(res.body.data.interval.low.toFixed(1)).to.equal('29.3');
      expect(res.body.data.interval.high.toFixed(1)).to.equal('58.0');
      expect(res.body.data.repurchase.top2Box).to.equal(100);
      expect(res.body.data.responseRate.scope).to.equal('survey, all time; filters do not apply');
      // The previous 30 days had no responses: there is no change to test.
      expect(res.body.data.previous).to.include({ n: 0, significant: null });
      await api('get', `/surveys/${String(survey._id)}/summary?range=forever`, read).expect(400);
    });

    it('summary: no interval and no top-2-box share where there is nothing to compute them from', async () => {
      const { read } = await keys();
      const survey = await makeSurvey(ctx, { status: 'active' });
      const empty = await api('get', `/surveys/${String(survey._id)}/summary?range=30d`, read).expect(200);
      expect(empty.body.data).to.include({ n: 0, nps: null, interval: null });
      expect(empty.body.data.repurchase).to.include({ answered: 0, top2Box: null });
      await makeResponses(ctx, survey._id, [10, 3]); // no repurchase answers
      const scored = await api('get', `/surveys/${String(survey._id)}/summary?range=30d`, read).expect(200);
      expect(scored.body.data.interval).to.be.an('object');
      expect(scored.body.data.repurchase).to.include({ answered: 0, top2Box: null });
    });

    it('responses.csv: the same export through the API, logged with the key', async () => {
      const { read } = await keys();
      const survey = await makeSurvey(ctx, { status: 'active' });
      await makeResponses(ctx, survey._id, [3], { comment: '@SUM(1+1)' });
      const res = await api('get', `/surveys/${String(survey._id)}/responses.csv?range=all`, read)
        .buffer(true)
        .parse(utf8Text)
        .expect(200);
      const rows: Record<string, string>[] = parse(res.body as string, { columns: true });
      expect(rows.map((r) => r.comment)).to.deep.equal(["'@SUM(1+1)"]);
      expect((await ctx.models.exportLogs.findOne({}).lean())!.apiKeyId).to.not.equal(undefined);
    });

    it('orders: bulk upsert by reference, contacts by id or email, unknown contacts reported', async () => {
      const { write } = await keys();
      const ana = await ctx.models.contacts.create({ email: 'ana@example.com' });
      const body = {
        orders: [
          {
            contactEmail: 'ANA@example.com',
            reference: 'A-1',
            orderedAt: '2026-11-01T10:00:00Z',
            amount: 99.5,
            currency: 'EUR',
          },
          { contactId: String(ana._id), reference: 'A-2', orderedAt: '2026-11-02T10:00:00Z' },
          { contactEmail: 'nobody@example.com', reference: 'X-1', orderedAt: '2026-11-02T10:00:00Z' },
        ],
      };
      expect((await api('post', '/orders/bulk', write).send(body).expect(200)).body.data).to.deep.include({
        created: 2,
        updated: 0,
        skipped: 1,
      });
      expect(
        (
          await api('post', '/orders/bulk', write)
            .send({ orders: body.orders.slice(0, 1) })
            .expect(200)
        ).body.data,
      ).to.deep.include({ created: 0, updated: 1 });
      expect(await ctx.models.orders.countDocuments({ contactId: ana._id })).to.equal(2);
      const bad = await api('post', '/orders/bulk', write)
        .send({ orders: [{ reference: 'B', orderedAt: 'soon', currency: 'euro' }] })
        .expect(400);
      expect(Object.keys(bad.body.error.fields as object).sort()).to.deep.equal([
        'orders.0.contactId',
        'orders.0.currency',
        'orders.0.orderedAt',
      ]);
    });

    it('answers unknown endpoints with a JSON 404', async () => {
      const { read } = await keys();
      expect((await api('get', '/nothing', read).expect(404)).body.error.code).to.equal('NOT_FOUND');
    });
  });
});
