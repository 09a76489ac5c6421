import { expect } from 'chai';

import { formToken, signedInAs } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';

describe('order import (CSV page)', () => {
  const ctx = useTestContext();

  it('imports orders by reference, reports bad rows by line, and is idempotent', async () => {
    await ctx.models.contacts.insertMany([{ email: 'ana@example.com' }, { email: 'bo@example.com' }]);
    const manager = await signedInAs(ctx, 'manager');
    const file = Buffer.from(
      '\uFEFFemail,reference,ordered_at,amount,currency\r\n' +
        'Ana@Example.com,A-1,2026-10-01,49.90,eur\r\n' +
        'bo@example.com,B-1,2026-10-02T10:00:00Z,,\r\n' +
        'nobody@example.com,X-1,2026-10-03,10,EUR\r\n' +
        'bo@example.com,B-2,yesterday,10,EUR\r\n' +
        'bo@example.com,B-3,2026-10-04,ten,EURO\r\n',
    );
    const upload = async () => {
      const token = await formToken(manager, '/orders/import');
      return manager.post('/orders/import').field('_csrf', token).attach('file', file, 'orders.csv').expect(200);
    };
    const first = await upload();
    expect(first.text).to.contain('5 rows read: 2 new orders, 0 updated, 3 skipped.');
    expect(first.text).to.contain('Line 4: no contact with email nobody@example.com');
    expect(first.text).to.contain('Line 5: ordered_at is not a date');
    expect(first.text).to.contain(
      'Line 6: amount is not a number like 49.90; currency is not a 3-letter code like EUR',
    );
    const ana = (await ctx.models.orders.findOne({ reference: 'A-1' }).lean())!;
    expect([ana.amount, ana.currency, ana.orderedAt.toISOString()]).to.deep.equal([
      49.9,
      'EUR',
      '2026-10-01T00:00:00.000Z',
    ]);
    const again = await upload();
    expect(again.text).to.contain('5 rows read: 0 new orders, 2 updated, 3 skipped.');
    expect(await ctx.models.orders.countDocuments({})).to.equal(2);
    const viewer = await signedInAs(ctx, 'viewer');
    await viewer.get('/orders/import').expect(403);
  });
});
