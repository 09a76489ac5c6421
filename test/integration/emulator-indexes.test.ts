import { expect } from 'chai';

import { createModels, ensureIndexes } from '../../server/boot/models.js';
import { connectDatabase } from '../../server/db/connect.js';
import { testDatabaseUri } from '../helpers/database.js';

/** Indexes only mongo-java-server needs are created only there, so MongoDB never pays for them. */
describe('emulator-only indexes', () => {
  it('creates the invitation claim and settle indexes only when the database is the emulator', async () => {
    const connection = await connectDatabase(testDatabaseUri().replace(/\/[^/?]+(\?|$)/, '/nps_index_check$1'));
    try {
      const models = createModels(connection);
      const keys = async () =>
        (await models.invitations.collection.listIndexes().toArray()).map((i) => JSON.stringify(i.key));
      await ensureIndexes(models, { emulator: false });
      expect(await keys()).to.include('{"tokenHash":1}');
      expect(await keys()).not.to.include('{"_id":1,"status":1,"attempts":1}');
      await ensureIndexes(models, { emulator: true });
      expect(await keys()).to.include.members([
        '{"_id":1,"status":1,"attempts":1}',
        '{"_id":1,"status":1,"claimedBy":1}',
      ]);
    } finally {
      await connection.db!.dropDatabase();
      await connection.close();
    }
  });
});
