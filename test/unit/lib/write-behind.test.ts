import { expect } from 'chai';

import { WriteBehind } from '../../../server/lib/write-behind.js';

describe('write-behind batches', () => {
  function recorder(options: { delayMs?: number; maxItems?: number; fail?: boolean } = {}) {
    const batches: number[][] = [];
    const errors: unknown[] = [];
    const wb = new WriteBehind<number>(
      (items) => {
        batches.push(items);
        return options.fail && batches.length === 1 ? Promise.reject(new Error('down')) : Promise.resolve();
      },
      { delayMs: options.delayMs ?? 10_000, maxItems: options.maxItems ?? 100, onError: (e) => errors.push(e) },
    );
    return { wb, batches, errors };
  }

  it('writes what was added in one batch on flush, and nothing for an empty flush', async () => {
    const { wb, batches } = recorder();
    wb.add(1);
    wb.add(2);
    wb.add(2);
    expect(batches).to.deep.equal([]);
    await wb.flush();
    await wb.flush();
    expect(batches).to.deep.equal([[1, 2, 2]]);
  });

  it('writes at once when maxItems are waiting, and after the delay otherwise', async () => {
    const { wb, batches } = recorder({ delayMs: 20, maxItems: 2 });
    wb.add(1);
    wb.add(2);
    wb.add(3);
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).to.deep.equal([[1, 2]]);
    await new Promise((r) => setTimeout(r, 60));
    expect(batches).to.deep.equal([[1, 2], [3]]);
  });

  it('reports a failed batch and goes on with the next', async () => {
    const { wb, batches, errors } = recorder({ fail: true });
    wb.add(1);
    await wb.flush();
    wb.add(2);
    await wb.flush();
    expect(batches).to.deep.equal([[1], [2]]);
    expect(errors).to.have.length(1);
    expect((errors[0] as Error).message).to.equal('down');
  });
});
