import { expect } from 'chai';

import { answers, shapesOf, type IndexKeys } from '../helpers/index-rule.js';

const shape = (filter: unknown, sort?: unknown) => shapesOf('c', filter, sort);
const idx = (keys: Record<string, 1 | -1>): IndexKeys => Object.entries(keys);

describe('the index guard’s equality-sort-range rule', () => {
  it('takes equality keys as a prefix, then the sort in order and direction (or all reversed)', () => {
    const [s] = shape({ surveyId: 'x', review: { $in: ['none'] } }, new Map([['submittedAt', -1]]));
    expect(answers(idx({ surveyId: 1, submittedAt: -1, _id: -1 }), s!)).to.equal(true);
    expect(answers(idx({ surveyId: 1, submittedAt: 1 }), s!)).to.equal(true); // walked backwards
    expect(answers(idx({ surveyId: 1, day: 1, submittedAt: -1 }), s!)).to.equal(false); // a blocking sort
    expect(answers(idx({ submittedAt: -1 }), shape({ surveyId: 'x' }, { submittedAt: -1, _id: 1 })[0]!)).to.equal(
      false,
    );
  });

  it('refuses mixed directions, and a range before the sort', () => {
    const [mixed] = shape({ surveyId: 'x' }, { submittedAt: -1, _id: 1 });
    expect(answers(idx({ surveyId: 1, submittedAt: -1, _id: -1 }), mixed!)).to.equal(false);
    const [ranged] = shape({ surveyId: 'x', day: { $gte: 'a' } }, { submittedAt: 1 });
    expect(answers(idx({ surveyId: 1, day: 1, submittedAt: 1 }), ranged!)).to.equal(false);
  });

  it('needs each $or branch answered, treats an equality on a sort key as constant, and several $in values as a range', () => {
    const branches = shape(
      { surveyId: 'x', $or: [{ submittedAt: { $lt: 1 } }, { submittedAt: 1, _id: { $lt: 2 } }] },
      { submittedAt: -1, _id: -1 },
    );
    expect(branches).to.have.length(2);
    for (const b of branches) expect(answers(idx({ surveyId: 1, submittedAt: -1, _id: -1 }), b)).to.equal(true);
    const [many] = shape({ surveyId: { $in: ['a', 'b'] } }, { submittedAt: 1 });
    expect(answers(idx({ surveyId: 1, submittedAt: 1 }), many!)).to.equal(false);
    expect(answers(idx({ surveyId: 1 }), shape({ surveyId: { $in: ['a', 'b'] } })[0]!)).to.equal(true);
  });

  it('answers nothing from an empty filter without a sort, and one property field from a wildcard index', () => {
    expect(answers(idx({ _id: 1 }), shape({})[0]!)).to.equal(false);
    expect(answers(idx({ 'properties.$**': 1 }), shape({ 'properties.plan': 'Pro' })[0]!)).to.equal(true);
  });
});
