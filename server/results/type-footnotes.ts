/**
 * "How these numbers are computed" for the survey types other than NPS (whose footnote is in
 * views/results/show.hbs): the same arithmetic as headline.ts, in words. Plain text, escaped by the page.
 */
import type { SurveyType } from '../vocabulary/scales.js';

export interface Footnote {
  title: string;
  text: string;
}

const WILSON =
  'Wilson score interval at 95%: with k of n in the top box, p = k/n and z = 1.96, centre (p + z²/2n)/(1 + z²/n) ± z√(p(1 − p)/n + z²/4n²)/(1 + z²/n).';
const T_INTERVAL =
  'mean ± t(0.975, n − 1) × s/√n, with s the sample standard deviation (n − 1 in the denominator); not computed below 2 answers.';
const SHARE_TEST =
  'A change or a segment difference of the share is called significant when a two-proportion z-test (pooled standard error) gives |z| > 1.96.';
const MEAN_TEST =
  "A change or a segment difference of the mean is called significant when Welch's two-sample t-test (unequal variances, Welch-Satterthwaite degrees of freedom) gives p < 0.05.";

export const FOOTNOTES: Record<Exclude<SurveyType, 'nps'>, Footnote[]> = {
  csat: [
    {
      title: 'CSAT',
      text: 'the share of responses answering 4 or 5 on the 1-5 scale ("satisfied" or "very satisfied"), over every response in this view; computed from counts and rounded only for display.',
    },
    { title: '95% interval', text: WILSON },
    { title: 'Significance', text: SHARE_TEST },
    { title: 'Mean', text: `the average answer, shown beside it with its t interval: ${T_INTERVAL}` },
  ],
  ces: [
    {
      title: 'CES',
      text: 'the mean answer on the 1-7 scale ("It was easy to ...": 1 strongly disagree, 7 strongly agree), with the share answering 5-7 (easy) beside it.',
    },
    { title: '95% interval of the mean', text: T_INTERVAL },
    { title: '95% interval of the share', text: WILSON },
    { title: 'Significance', text: MEAN_TEST },
  ],
  stars: [
    { title: 'Average rating', text: 'the mean number of stars (1-5), with the share of 4-5 star ratings beside it.' },
    { title: '95% interval of the mean', text: T_INTERVAL },
    { title: '95% interval of the share', text: WILSON },
    { title: 'Significance', text: MEAN_TEST },
  ],
};
