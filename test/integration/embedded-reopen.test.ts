import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';

import { startMongoJavaServer, type RunningServer } from '../../server/db/mongo-java-server.js';
import { createLogger } from '../../server/lib/logger.js';

/**
 * The embedded database's data folder reopens without reading every document (Launcher.java skips
 * the needless index "builds"): what it stored must still behave the same after the reopen - unique
 * indexes still refuse duplicates (a sparse one nobody had a value for too), queries on fields with a
 * placeholder secondary index still find every document.
 */
describe('the embedded database reopened from its file', function () {
  this.timeout(120_000);
  const silent = createLogger({ level: 'silent' });
  let dir: string;
  let db: RunningServer | undefined;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'nps-reopen-'))));
  after(async () => {
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps unique, sparse unique and secondary indexes right across a restart', async () => {
    const file = path.join(dir, 'reopen.mv');
    const open = async () => {
      db = await startMongoJavaServer({ file, logger: silent });
      const client = await mongoose.mongo.MongoClient.connect(db.uri);
      return { client, things: client.db('nps').collection('things') };
    };
    let { client, things } = await open();
    await things.createIndex({ code: 1 }, { unique: true });
    await things.createIndex({ key: 1 }, { unique: true, sparse: true }); // no document has a key yet
    await things.createIndex({ group: 1, at: 1 }); // a placeholder on the emulator
    await things.insertMany(Array.from({ length: 500 }, (_, i) => ({ code: `c${i}`, group: i % 5, at: i })));
    await client.close();
    await db!.stop();

    ({ client, things } = await open());
    try {
      expect(await things.countDocuments({})).to.equal(500);
      expect(await things.countDocuments({ group: 3 })).to.equal(100);
      expect((await things.findOne({ code: 'c42' }))?.at).to.equal(42);
      const duplicate = await things.insertOne({ code: 'c7' }).catch((e: { code?: number }) => e);
      expect((duplicate as { code?: number }).code).to.equal(11000);
      await things.insertOne({ code: 'new-1', key: 'k' });
      const duplicateKey = await things.insertOne({ code: 'new-2', key: 'k' }).catch((e: { code?: number }) => e);
      expect((duplicateKey as { code?: number }).code).to.equal(11000);
      // A unique index created on the reopened data is built from the documents, and refuses a clash.
      await things.createIndex({ at: 1 }, { unique: true, sparse: true });
      const clash = await things.insertOne({ code: 'new-3', at: 10 }).catch((e: { code?: number }) => e);
      expect((clash as { code?: number }).code).to.equal(11000);
    } finally {
      await client.close();
    }
  });
});
