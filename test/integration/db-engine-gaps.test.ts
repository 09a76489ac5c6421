import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Options } from 'express-rate-limit';

import { MongoRateLimitStore } from '../../server/web/rate-limit.js';
import { useTestContext } from '../helpers/context.js';
import { testDatabaseEngine } from '../helpers/database.js';

const emulator = () => testDatabaseEngine().includes('mongo-java-server');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/**
 * Where the engines differ (README "Testing"), asserted per engine instead of skipped: on MongoDB the
 * feature works; on mongo-java-server it is missing, and the app's correctness does not depend on it.
 */
describe('database engine differences, asserted per engine', () => {
  const ctx = useTestContext();

  it('TTL: the rate-limit index expires windows on MongoDB; the counters check resetAt themselves', async () => {
    const indexes = await ctx.models.rateLimits.collection.indexes();
    const ttl = indexes.find((i) => i.key.resetAt === 1);
    expect(ttl?.expireAfterSeconds, JSON.stringify(indexes)).to.equal(0);
    // A window past its reset, never expired on the emulator (nor for up to a minute on MongoDB), does
    // not count: the next hit starts a new window at 1.
    const store = new MongoRateLimitStore(ctx.models.rateLimits, 'login', ctx.clock);
    store.init({ windowMs: 60_000 } as Options);
    await ctx.models.rateLimits.collection.insertOne({
      _id: 'login:203.0.113.9' as never,
      hits: 1000,
      resetAt: new Date(ctx.clock.now().getTime() - 1000),
    });
    expect(await store.get('203.0.113.9')).to.equal(undefined);
    expect((await store.increment('203.0.113.9')).totalHits).to.equal(1);
  });

  it('partial indexes: honoured on MongoDB, ignored on mongo-java-server (ours only speed up a query)', async () => {
    const scratch = ctx.connection.db!.collection('enginegaps');
    await scratch.drop().catch(() => undefined);
    await scratch.createIndex({ a: 1 }, { unique: true, partialFilterExpression: { live: true } });
    await scratch.insertOne({ a: 1, live: false });
    const second = await scratch.insertOne({ a: 1, live: false }).then(
      () => 'inserted',
      () => 'refused',
    );
    expect(second).to.equal(emulator() ? 'refused' : 'inserted');
    await scratch.drop();
    const invitationIndexes = await ctx.models.invitations.collection.indexes();
    expect(invitationIndexes.map((i) => i.name)).to.include('reminder_sending');
  });

  it('transactions: available on a MongoDB replica set, not elsewhere; the app uses none', async () => {
    const session = ctx.connection.getClient().startSession();
    const outcome = await session
      .withTransaction(async () => {
        await ctx.connection.db!.collection('enginegaps').insertOne({ t: 1 }, { session });
      })
      .then(
        () => 'committed',
        () => 'unsupported',
      )
      .finally(() => session.endSession());
    // Transactions need a replica set (the CI's mongo:8 is one); a standalone mongod refuses them too.
    const replicaSet =
      !emulator() && typeof (await ctx.connection.db!.admin().command({ hello: 1 })).setName === 'string';
    expect(outcome).to.equal(replicaSet ? 'committed' : 'unsupported');
    const uses = sourceFiles(path.resolve(import.meta.dirname, '../../server')).filter((f) =>
      /startSession|withTransaction|startTransaction/.test(readFileSync(f, 'utf8')),
    );
    expect(uses).to.deep.equal([]);
  });
});
