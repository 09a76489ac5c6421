import { expect } from 'chai';

import { categoryOf } from '../../../server/vocabulary/answers.js';

describe('categoryOf', () => {
  it('maps 0-6 to detractor, 7-8 to passive, 9-10 to promoter', () => {
    const expected = [
      'detractor',
      'detractor',
      'detractor',
      'detractor',
      'detractor',
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ];
    expect(Array.from({ length: 11 }, (_, score) => categoryOf(score))).to.deep.equal(expected);
  });

  it('refuses scores outside 0-10 or not whole', () => {
    for (const bad of [-1, 11, 7.5, Number.NaN]) expect(() => categoryOf(bad)).to.throw(RangeError);
  });
});
