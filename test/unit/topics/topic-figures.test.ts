import { expect } from 'chai';

import { keyDrivers, topicFigures } from '../../../server/topics/topic-figures.js';

const c = (promoters: number, passives: number, detractors: number) => ({ promoters, passives, detractors });

describe('topic figures (issue 18 groundwork)', () => {
  it('gives each topic its NPS and interval, the difference from the rest with its verdict, and its driver effect', () => {
    // Everyone: 60 promoters, 25 passives, 15 detractors (NPS +45); 80 of them commented.
    // Delivery: 2 / 3 / 10 (n 15, NPS -53.3); the rest 58 / 22 / 5 (n 85, NPS +62.4): difference -115.7.
    // Without delivery's 10 detractors: 60 / 25 / 5 of 90 -> NPS +61.1, so it costs 16.1 points.
    const [delivery, support] = topicFigures(
      [
        { id: 'delivery', name: 'Delivery', counts: c(2, 3, 10) },
        { id: 'support', name: 'Support', counts: c(12, 5, 3) },
      ],
      c(60, 25, 15),
      80,
    );
    expect(delivery!.mentions).to.equal(15);
    expect(delivery!.share).to.equal(18.75);
    expect(delivery!.figures.nps).to.be.closeTo(-53.33, 0.01);
    // Adjusted Wald: n' = 18, p' = 2.75/18, d' = 10.75/18 -> centre -44.4, SE 100 √((0.7500 - 0.1975)/18) = 17.5.
    expect(delivery!.figures.interval.centre).to.be.closeTo(-44.44, 0.01);
    expect(delivery!.figures.interval.standardError).to.be.closeTo(17.52, 0.01);
    expect(delivery!.difference).to.be.closeTo(-53.33 - 62.35, 0.01);
    expect(delivery!.significant).to.equal(true);
    expect(delivery!.driverEffect).to.be.closeTo(61.11 - 45, 0.01);
    // Support: 12 / 5 / 3 (NPS +45) against the rest 48 / 20 / 12 (NPS +45): no difference.
    expect(support!.figures.nps).to.equal(45);
    expect(support!.difference).to.be.closeTo(0, 1e-9);
    expect(support!.significant).to.equal(false);
    // Without support's 3 detractors: 60 / 25 / 12 of 97 -> +49.5, a 4.5-point effect, less than delivery's.
    expect(keyDrivers([support!, delivery!]).map((r) => r.id)).to.deep.equal(['delivery', 'support']);
  });

  it('says nothing it cannot compute', () => {
    const [none] = topicFigures([{ id: 'billing', name: 'Billing', counts: c(0, 0, 0) }], c(3, 1, 1), 0);
    expect([none!.mentions, none!.share, none!.difference, none!.significant, none!.driverEffect]).to.deep.equal([
      0,
      0,
      null,
      false,
      0,
    ]);
    expect(keyDrivers([none!])).to.deep.equal([]);
  });
});
