import { expect } from 'chai';
import mongoose from 'mongoose';

import { isDuplicateKeyError, ValidationError } from '../../server/lib/errors.js';
import { categoryOf } from '../../server/vocabulary/answers.js';
import { useTestContext } from '../helpers/context.js';

/**
 * Proves, on the engine in use (mongod, mongo-java-server or MONGODB_URI), every MongoDB feature the
 * project relies on. If one of these fails on a new engine, the app would be wrong there.
 */
describe('database features we rely on, on the engine in use', () => {
  const ctx = useTestContext();

  const surveyId = new mongoose.Types.ObjectId();

  function response(score: number, submittedAt: Date, extra: Record<string, unknown> = {}) {
    return { surveyId, score, category: categoryOf(score), channel: 'email' as const, submittedAt, ...extra };
  }

  it('surfaces a unique index violation as a duplicate-key error we turn into a clear message', async () => {
    await ctx.models.contacts.create({ email: 'ana@example.com' });
    let caught: unknown;
    try {
      await ctx.models.contacts.create({ email: 'ANA@example.com ' });
    } catch (err) {
      caught = err;
    }
    expect(isDuplicateKeyError(caught), String(caught)).to.be.true;
    expect(await ctx.models.contacts.countDocuments({})).to.equal(1);

    const accounts = ctx.services.accounts;
    await accounts.createUser({
      email: 'ops@example.com',
      name: '',
      role: 'viewer',
      password: 'a long enough password',
    });
    const second = await accounts
      .createUser({ email: 'ops@example.com', name: '', role: 'admin', password: 'another long password' })
      .catch((err: unknown) => err);
    expect(second).to.be.instanceOf(ValidationError);
    expect((second as ValidationError).fields.email).to.match(/already exists/);
  });

  it('upserts with findOneAndUpdate: inserts once, then updates the same document', async () => {
    const first = await ctx.models.contacts
      .findOneAndUpdate(
        { email: 'bo@example.com' },
        { $set: { name: 'Bo' } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean();
    const second = await ctx.models.contacts
      .findOneAndUpdate(
        { email: 'bo@example.com' },
        { $set: { name: 'Bo B.' } },
        { upsert: true, returnDocument: 'after' },
      )
      .lean();
    expect(String(second._id)).to.equal(String(first._id));
    expect(second.name).to.equal('Bo B.');
    expect(await ctx.models.contacts.countDocuments({})).to.equal(1);
  });

  it('applies concurrent $inc updates without losing any', async () => {
    await ctx.models.rateLimits.create({ _id: 'counter', hits: 0, resetAt: new Date(Date.now() + 60_000) });
    await Promise.all(
      Array.from({ length: 50 }, () => ctx.models.rateLimits.updateOne({ _id: 'counter' }, { $inc: { hits: 1 } })),
    );
    const doc = await ctx.models.rateLimits.findById('counter').lean();
    expect(doc!.hits).to.equal(50);
  });

  it('claims a document atomically: of two racing state changes naming the previous state, one wins', async () => {
    const invitation = await ctx.models.invitations.create({
      surveyId,
      contactId: new mongoose.Types.ObjectId(),
      tokenHash: 'a'.repeat(64),
      queuedAt: new Date(),
    });
    const claim = (worker: string) =>
      ctx.models.invitations
        .findOneAndUpdate(
          { _id: invitation._id, status: 'queued' },
          { $set: { status: 'sending', claimedBy: worker } },
          { returnDocument: 'after' },
        )
        .lean();
    const results = await Promise.all([claim('w1'), claim('w2'), claim('w3')]);
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it('keeps at most one response per invitation (sparse unique), while allowing many anonymous link responses', async () => {
    const invitationId = new mongoose.Types.ObjectId();
    await ctx.models.responses.create(response(9, new Date(), { invitationId }));
    const dup = await ctx.models.responses.create(response(3, new Date(), { invitationId })).catch((e: unknown) => e);
    expect(isDuplicateKeyError(dup)).to.be.true;
    await ctx.models.responses.create(response(7, new Date(), { channel: 'link' }));
    await ctx.models.responses.create(response(8, new Date(), { channel: 'link' }));
    expect(await ctx.models.responses.countDocuments({})).to.equal(3);
  });

  it('runs the aggregation stages the results pages use: $match, $group with $cond, $project, $sort, $facet', async () => {
    // 60 promoters, 25 passives, 15 detractors: the worked example in PRODUCT.md (NPS 45).
    const at = new Date('2026-03-10T12:00:00Z');
    const docs = [
      ...Array.from({ length: 60 }, (_, i) => response(9 + (i % 2), at)),
      ...Array.from({ length: 25 }, (_, i) => response(7 + (i % 2), at)),
      ...Array.from({ length: 15 }, (_, i) => response(i % 7, at)),
      response(10, at, { surveyId: new mongoose.Types.ObjectId() }),
    ];
    await ctx.models.responses.insertMany(docs);
    const [result] = await ctx.models.responses.aggregate<{
      counts: { _id: null; n: number; promoters: number; detractors: number }[];
      byScore: { _id: number; n: number }[];
    }>([
      { $match: { surveyId } },
      {
        $facet: {
          counts: [
            {
              $group: {
                _id: null,
                n: { $sum: 1 },
                promoters: { $sum: { $cond: [{ $gte: ['$score', 9] }, 1, 0] } },
                detractors: { $sum: { $cond: [{ $lte: ['$score', 6] }, 1, 0] } },
              },
            },
          ],
          byScore: [
            { $group: { _id: '$score', n: { $sum: 1 } } },
            { $sort: { _id: 1 } },
            { $project: { _id: 1, n: 1 } },
          ],
        },
      },
    ]);
    expect(result!.counts[0]).to.include({ n: 100, promoters: 60, detractors: 15 });
    expect(result!.byScore.map((b) => b._id)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result!.byScore.reduce((sum, b) => sum + b.n, 0)).to.equal(100);
  });

  it('buckets by day in a reporting time zone with $dateToString', async () => {
    // 23:30 in New York on 31 January is 04:30 UTC on 1 February.
    await ctx.models.responses.insertMany([
      response(10, new Date('2026-02-01T04:30:00Z')),
      response(0, new Date('2026-02-01T12:00:00Z')),
    ]);
    const rows = await ctx.models.responses.aggregate<{ _id: string; n: number }>([
      { $match: { surveyId } },
      {
        $group: {
          _id: { $dateToString: { date: '$submittedAt', format: '%Y-%m-%d', timezone: 'America/New_York' } },
          n: { $sum: 1 },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(rows).to.deep.equal([
      { _id: '2026-01-31', n: 1 },
      { _id: '2026-02-01', n: 1 },
    ]);
  });

  it('unwinds arrays and groups by map properties (segments)', async () => {
    await ctx.models.responses.insertMany([
      response(10, new Date(), { tags: ['price', 'support'], contactSnapshot: { plan: 'Pro' } }),
      response(3, new Date(), { tags: ['price'], contactSnapshot: { plan: 'Free' } }),
      response(9, new Date(), { tags: [], contactSnapshot: { plan: 'Pro' } }),
    ]);
    const tags = await ctx.models.responses.aggregate<{ _id: string; n: number }>([
      { $unwind: '$tags' },
      { $group: { _id: '$tags', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(tags).to.deep.equal([
      { _id: 'price', n: 2 },
      { _id: 'support', n: 1 },
    ]);
    const plans = await ctx.models.responses.aggregate<{ _id: string; n: number }>([
      { $group: { _id: '$contactSnapshot.plan', n: { $sum: 1 } } },
      { $sort: { _id: 1 } },
    ]);
    expect(plans).to.deep.equal([
      { _id: 'Free', n: 1 },
      { _id: 'Pro', n: 2 },
    ]);
  });

  it('streams a large result set through a cursor in batches', async () => {
    const total = 5000;
    const batch = Array.from({ length: total }, (_, i) => response(i % 11, new Date(Date.UTC(2026, 0, 1) + i * 1000)));
    await ctx.models.responses.insertMany(batch, { lean: true });
    let seen = 0;
    let last = 0;
    let ordered = true;
    for await (const doc of ctx.models.responses
      .find({ surveyId })
      .sort({ submittedAt: 1 })
      .lean()
      .batchSize(500)
      .cursor()) {
      const t = doc.submittedAt.getTime();
      if (t < last) ordered = false;
      last = t;
      seen++;
    }
    expect(seen).to.equal(total);
    expect(ordered).to.be.true;
  });

  it('treats operator objects from user input as literal values (sanitizeFilter)', async () => {
    await ctx.models.contacts.create({ email: 'cy@example.com' });
    const injected = JSON.parse('{"$ne": "nobody@example.com"}') as unknown;
    // Wrapped in $eq, the object is either cast-rejected or compared literally; it never matches Cy.
    const found = await ctx.models.contacts
      .findOne({ email: injected as string })
      .lean()
      .catch((e: unknown) => e);
    expect(found === null || (found instanceof Error && found.name === 'CastError'), String(found)).to.be.true;
    const trusted = await ctx.models.contacts
      .findOne({ email: mongoose.trusted({ $ne: 'nobody@example.com' }) })
      .lean();
    expect(trusted?.email).to.equal('cy@example.com');
  });

  it('rejects a filter on a path the schema does not have (strictQuery: throw)', async () => {
    const err = await ctx.models.contacts.findOne({ emial: 'typo@example.com' } as never).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/emial/);
  });
});
