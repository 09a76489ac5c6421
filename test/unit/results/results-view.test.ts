import { expect } from 'chai';

import { changeText, skewOf, trendRowsOf, urlWith } from '../../../server/results/results-view.js';
import type { SurveyResults } from '../../../server/results/results.service.js';

describe('results page view model', () => {
  it('writes a change with its sign, a real minus, and no sign when it rounds to zero', () => {
    expect(changeText(3.24)).to.equal('+3.2');
    expect(changeText(-3.25)).to.equal('\u22123.3');
    expect(changeText(0.04)).to.equal('0.0');
    expect(changeText(-0.04)).to.equal('0.0');
    expect(changeText(null)).to.equal('');
    expect(changeText(undefined)).to.equal('');
  });

  it('builds links that keep the filters, drop defaults and empty values, and escape the rest', () => {
    const base = '/surveys/abc/results';
    expect(urlWith(base, { range: '90d', comments: 'all', tag: '' }, { before: '1700000000000.abc' })).to.equal(
      `${base}?range=90d&before=1700000000000.abc`,
    );
    expect(urlWith(base, { comments: 'all', interval: 'auto' }, {})).to.equal(base);
    expect(urlWith(base, { prop: 'plan', value: 'a b&c' }, { value: undefined })).to.equal(`${base}?prop=plan`);
    expect(urlWith(base, { prop: 'plan', value: 'a b&c' }, {})).to.equal(`${base}?prop=plan&value=a+b%26c`);
  });

  it('says in words which groups answered less or more often, and nothing when none did', () => {
    const results = {
      representativeness: {
        property: 'plan',
        rows: [
          { value: 'pro', skew: 'under', responseRate: 12.34 },
          { value: 'free', skew: 'over', responseRate: 40 },
          { value: 'team', skew: undefined, responseRate: 25 },
        ],
      },
    } as unknown as SurveyResults;
    expect(skewOf(results)).to.deep.equal({
      skewed: true,
      skewedText:
        'Customers with plan pro (12.3%) answered less often than the others; plan free (40.0%) answered more often.',
    });
    const even = { representativeness: { property: 'plan', rows: [{ value: 'pro', skew: undefined }] } };
    expect(skewOf(even as unknown as SurveyResults)).to.deep.equal({ skewed: false });
    expect(skewOf({} as SurveyResults)).to.deep.equal({ skewed: false });
  });

  it('labels trend points by interval and leaves the interval out where there are no answers', () => {
    const point = (key: string, from: string, to: string, n: number) => ({
      key,
      from,
      to,
      few: n < 30,
      figures: { n, npsRounded: n ? 45 : null, interval: { low: 29.26, high: 58.04 } },
      headline: {
        type: 'nps',
        n,
        value: n ? 45 : null,
        shown: n ? '+45' : null,
        interval: n ? { low: 29.26, high: 58.04 } : null,
      },
    });
    const trend = {
      interval: 'month',
      points: [point('2026-01', '2026-01-01', '2026-01-31', 100), point('2026-02', '2026-02-01', '2026-02-28', 0)],
    } as unknown as SurveyResults['trend'];
    expect(trendRowsOf(trend)).to.deep.equal([
      {
        label: '2026-01-01 – 2026-01-31',
        short: '2026-01',
        nps: 45,
        shown: '+45',
        low: 29.3,
        high: 58,
        n: 100,
        few: false,
      },
      {
        label: '2026-02-01 – 2026-02-28',
        short: '2026-02',
        nps: null,
        shown: null,
        low: null,
        high: null,
        n: 0,
        few: true,
      },
    ]);
    const clipped = {
      interval: 'week' as const,
      points: [
        {
          key: '2026-11-30',
          from: '2026-12-02',
          to: '2026-12-06',
          figures: trend.points[1]!.figures,
          headline: trend.points[1]!.headline,
          few: true,
        },
        {
          key: '2026-12-07',
          from: '2026-12-07',
          to: '2026-12-13',
          figures: trend.points[1]!.figures,
          headline: trend.points[1]!.headline,
          few: true,
        },
        {
          key: '2026-12-14',
          from: '2026-12-14',
          to: '2026-12-14',
          figures: trend.points[1]!.figures,
          headline: trend.points[1]!.headline,
          few: true,
        },
      ],
    };
    expect(trendRowsOf(clipped).map((r) => r.label)).to.deep.equal([
      '2026-12-02 – 2026-12-06 (part of the week: 5 days)',
      '2026-12-07 – 2026-12-13',
      '2026-12-14 (part of the week: 1 day)',
    ]);
  });
});
