import { expect } from 'chai';

import { deliveryView, sparklineOf } from '../../../server/surveys/surveys-view.js';

const point = (nps: number | null) => ({ figures: { n: nps === null ? 0 : 10, nps } });

describe('surveys list and survey page view models', () => {
  it('draws the sparkline from -100 (bottom) to +100 (top), breaking the line at months without answers', () => {
    expect(sparklineOf([point(0), point(null), point(100), point(-100)])).to.deep.equal({
      path: 'M0.0 20.0 M66.7 0.0 L100.0 40.0',
      label: 'Monthly NPS over the last 12 months: 0, 100, -100',
    });
    expect(sparklineOf([point(null), point(null)])).to.equal(undefined);
  });

  it('names skip reasons in words, leaves out zeros, and says whether sending is under way', () => {
    const labels = { unsubscribed: 'Unsubscribed', throttled: 'Surveyed recently' };
    const idle = deliveryView(
      { byStatus: { sent: 5 }, skipped: { unsubscribed: 2, throttled: 0, odd: 1 }, total: 8 },
      [],
      labels,
    );
    expect(idle.skipped).to.deep.equal([
      { reason: 'Unsubscribed', n: 2 },
      { reason: 'odd', n: 1 },
    ]);
    expect([idle.queueing, idle.sending]).to.deep.equal([false, false]);
    const queued = deliveryView({ byStatus: { queued: 1 }, skipped: {}, total: 1 }, [{ status: 'done' }], labels);
    expect([queued.queueing, queued.sending]).to.deep.equal([false, true]);
    const planning = deliveryView({ byStatus: {}, skipped: {}, total: 0 }, [{ status: 'running' }], labels);
    expect([planning.queueing, planning.sending]).to.deep.equal([true, true]);
  });
});
