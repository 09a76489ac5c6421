import { expect } from 'chai';
import request from 'supertest';

import { resultsQuerySchema } from '../../server/results/results.schemas.js';
import { signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation, makeResponses, makeSurvey } from '../helpers/factories.js';

const stampOf = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)![1]!;

describe('result day counts kept as responses arrive and change', () => {
  const ctx = useTestContext();

  async function answer(token: string, fields: Record<string, string>, seconds = 12) {
    const page = await request(ctx.app).get(`/r/${token}/${fields.score ?? '9'}`);
    ctx.clock.advance(seconds * 1000);
    return request(ctx.app)
      .post(`/r/${token}`)
      .type('form')
      .send({ stamp: stampOf(page.text), ...fields });
  }

  it('shows a new answer in the results at once, and a changed one moved, never counted twice', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const viewer = await signedInAs(ctx, 'viewer');
    const results = () => viewer.get(`/surveys/${String(survey._id)}/results`).expect(200);
    const a = await makeInvitation(ctx, { survey });
    await answer(a.token, { score: '10', repurchase: 'definitely_would' });
    expect((await results()).text).to.contain('<span class="nps-number">+100</span>');
    await answer(a.token, { score: '3' });
    const after = (await results()).text;
    expect(after).to.contain('<span class="nps-number">−100</span>');
    expect(after).to.contain('n = 1 responses');
  });

  it('matches a rebuild from the responses after answers, changes, flags, accepts, discards and web-link answers', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const invitations = await Promise.all(Array.from({ length: 6 }, () => makeInvitation(ctx, { survey })));
    // Six delivered, as the send worker counts them.
    await ctx.models.surveys.updateOne({ _id: survey._id }, { $set: { deliveredCount: 6 } });
    await answer(invitations[0]!.token, { score: '9', repurchase: 'probably_would' });
    await answer(invitations[1]!.token, { score: '6' });
    await answer(invitations[1]!.token, { score: '7', repurchase: 'not_sure' });
    await answer(invitations[2]!.token, { score: '0' }, 0.5); // flagged
    await answer(invitations[3]!.token, { score: '1' }, 0.5); // flagged, then accepted
    await answer(invitations[4]!.token, { score: '2' }, 0.5); // flagged, then discarded
    await answer(invitations[5]!.token, { score: '4' }, 0.5); // flagged, then the person answers
    await answer(invitations[5]!.token, { score: '8' });
    await ctx.models.surveys.updateOne({ _id: survey._id }, { $set: { webLinkId: 'webLinkForAggregates01' } });
    const webPage = await request(ctx.app).get('/s/webLinkForAggregates01/10').expect(200);
    ctx.clock.advance(10_000);
    await request(ctx.app)
      .post('/s/webLinkForAggregates01')
      .type('form')
      .send({ stamp: stampOf(webPage.text), score: '10' })
      .expect(303);
    const manager = await signedInAs(ctx, 'manager');
    const review = await manager.get(`/surveys/${String(survey._id)}/review`).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(review.text)![1]!;
    const flagged = async (score: number) =>
      (await ctx.models.responses.findOne({ score, review: 'flagged' }).lean())!._id;
    await manager
      .post(`/surveys/${String(survey._id)}/review/${String(await flagged(1))}`)
      .type('form')
      .send({ _csrf: csrf, decision: 'accept' })
      .expect(303);
    await manager
      .post(`/surveys/${String(survey._id)}/review/${String(await flagged(2))}`)
      .type('form')
      .send({ _csrf: csrf, decision: 'discard' })
      .expect(303);

    // The person behind invitation 0 is deleted: their answer still counts, but no longer as plan Pro.
    const del = await manager.get(`/contacts/${String(invitations[0]!.contact._id)}/delete`).expect(200);
    await manager
      .post(`/contacts/${String(invitations[0]!.contact._id)}/delete`)
      .type('form')
      .send({ _csrf: /name="_csrf" value="([^"]+)"/.exec(del.text)![1]! })
      .expect(303);

    const aggregates = ctx.services.aggregates;
    const live = await aggregates.daysOf(survey._id, {});
    const sortDocs = (docs: Awaited<ReturnType<typeof aggregates.segmentDocsOf>>) =>
      docs
        .map((d) => ({
          ...d,
          c: Object.fromEntries(
            Object.entries(d.c ?? {})
              .filter(([, n]) => n !== 0)
              .sort(),
          ),
        }))
        .sort((a, b) => `${a.day}${a.channel}${a.value}`.localeCompare(`${b.day}${b.channel}${b.value}`));
    const livePlan = sortDocs(await aggregates.segmentDocsOf(survey._id, 'plan'));
    const rateOf = async () =>
      (await ctx.services.results.surveyResults(String(survey._id), resultsQuerySchema.parse({ range: 'all' }))).results
        .responseRate;
    const liveRate = await rateOf();
    expect(liveRate).to.include({ delivered: 6 });
    await aggregates.rebuild(survey._id);
    // The deleted contact's delivered invitation still counts in the response rate's denominator.
    expect(await rateOf()).to.deep.equal(liveRate);
    const rebuilt = await aggregates.daysOf(survey._id, {});
    expect(livePlan).to.deep.equal(sortDocs(await aggregates.segmentDocsOf(survey._id, 'plan')));
    // Pro counts: 7, 1, 8 (the deleted contact's 9 left the segment; the web link has no properties).
    expect(livePlan.flatMap((d) => Object.entries(d.c ?? {}).map(([k, n]) => [k, n])).sort()).to.deep.equal([
      ['1|', 1],
      ['7|not_sure', 1],
      ['8|', 1],
    ]);
    const norm = (days: typeof live) =>
      days.map((d) => ({
        ...d,
        cells: [...d.cells].sort(
          (x, y) => x.score - y.score || String(x.repurchase).localeCompare(String(y.repurchase)),
        ),
      }));
    expect(norm(live)).to.deep.equal(norm(rebuilt));
    // Counted: 9, 7, 1 (accepted), 8 and the web link's 10; one still flagged (the 0).
    const cells = live.flatMap((d) => d.cells);
    expect(cells.map((c) => [c.score, c.n]).sort((x, y) => x[0]! - y[0]!)).to.deep.equal([
      [1, 1],
      [7, 1],
      [8, 1],
      [9, 1],
      [10, 1],
    ]);
    expect(live.reduce((sum, d) => sum + d.flagged, 0)).to.equal(1);
  });
  it('repairs counts a failed write left behind, once the survey is quiet, also when the customer then resubmits the same answer', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const aggregates = ctx.services.aggregates;
    const total = async () =>
      (await aggregates.daysOf(survey._id)).flatMap((d) => d.cells).reduce((sum, c) => sum + c.n, 0);
    const a = await makeInvitation(ctx, { survey });
    const b = await makeInvitation(ctx, { survey });
    await answer(a.token, { score: '9' });
    expect(await total()).to.equal(1);
    // B's answer was stored but the database went away before its count: the marker stays, no count.
    const now = ctx.clock.now();
    await ctx.models.responses.collection.insertOne({
      surveyId: survey._id,
      invitationId: b.invitation._id,
      contactId: b.contact._id,
      score: 4,
      category: 'detractor',
      channel: 'email',
      comment: '',
      tags: [],
      submittedAt: now,
      firstSubmittedAt: now,
      review: 'none',
      contactSnapshot: {},
      countsPending: 1,
      countsPendingAt: now,
      countsPendingFrom: now,
      createdAt: now,
      updatedAt: now,
    });
    expect(await total()).to.equal(1);
    // The customer, shown an error, sends the same answer again: a change of nothing, so still no count;
    // the marker must survive it.
    expect((await answer(b.token, { score: '4' })).status).to.equal(303);
    expect(await total()).to.equal(1);
    await ctx.services.flushWrites(); // A's settle, otherwise written within 200 ms
    expect(await ctx.models.responses.collection.countDocuments({ countsPending: { $gt: 0 } })).to.equal(1);

    // Not while answers are fresh; after two quiet minutes, the days are recounted and the marker cleared.
    expect(await aggregates.repairPending({ now: ctx.clock.now(), quietMs: 120_000 })).to.equal(0);
    ctx.clock.advance(3 * 60_000);
    expect(await aggregates.repairPending({ now: ctx.clock.now(), quietMs: 120_000 })).to.equal(1);
    expect(await total()).to.equal(2);
    expect(await ctx.models.responses.collection.countDocuments({ countsPending: { $gt: 0 } })).to.equal(0);
    const viewer = await signedInAs(ctx, 'viewer');
    expect((await viewer.get(`/surveys/${String(survey._id)}/results`).expect(200)).text).to.contain(
      '<span class="nps-number">0</span>',
    );
  });
});

describe('result day counts stored in an older layout', () => {
  const ctx = useTestContext();

  it('are rebuilt into one collection at start-up, the old per-value collection dropped, figures unchanged', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const snapshot = (plan: string) => ({ contactSnapshot: { plan } });
    await makeResponses(ctx, survey._id, [10, 9], snapshot('Pro'));
    await makeResponses(ctx, survey._id, [2], snapshot('Free'));
    // Layout 1: overall days without key/value, the per-value days in a collection of their own.
    const db = ctx.models.responseDays.db;
    const perValue = await ctx.models.responseDays.collection.find({ key: { $ne: '' } }).toArray();
    await db.collection('responsesegmentdays').insertMany(perValue);
    await ctx.models.responseDays.collection.deleteMany({ key: { $ne: '' } });
    await ctx.models.responseDays.collection.updateMany({}, { $unset: { key: 1, value: 1 } });
    await ctx.models.aggregateMeta.updateOne({ _id: 'days' }, { $set: { timeZone: 'UTC' }, $unset: { layout: 1 } });

    expect(await ctx.services.aggregates.ensureTimeZone()).to.equal(true);
    expect((await db.listCollections()).map((c) => c.name)).not.to.include('responsesegmentdays');
    expect(await ctx.services.aggregates.ensureTimeZone()).to.equal(false);
    const viewer = await signedInAs(ctx, 'viewer');
    const url = `/surveys/${String(survey._id)}/results`;
    // 2 promoters, 1 detractor of 3: (2 - 1) / 3 = +33.3 -> 33; Pro alone +100.
    expect((await viewer.get(url).expect(200)).text).to.contain('<span class="nps-number">+33</span>');
    expect((await viewer.get(`${url}?prop=plan&value=Pro`).expect(200)).text).to.contain(
      '<span class="nps-number">+100</span>',
    );
  });
});
