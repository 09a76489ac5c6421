import { SCALES } from '../vocabulary/scales.js';
import { CHANGE_UNIT } from './headline.js';
import type { PeriodFigures } from './survey-figures.js';

/** +3.2 / −3.2 (a real minus sign) / 0.0; `decimals` 2 for means. */
export function changeText(change: number | null | undefined, decimals = 1): string {
  if (change === null || change === undefined) return '';
  const text = Math.abs(change).toFixed(decimals);
  const zero = Number(text) === 0;
  return change > 0 && !zero ? `+${text}` : change < 0 && !zero ? `\u2212${text}` : text;
}

/** A sentence with one emphasised part, for pages (<strong>) and plain text alike. */
export interface Words {
  lead: string;
  strong: string;
  tail: string;
  text: string;
}

const words = (lead: string, strong: string, tail: string): Words => ({
  lead,
  strong,
  tail,
  text: `${lead}${strong}${tail}`,
});

/**
 * The change from the previous period in the words the results page uses (and reports and the
 * dashboard repeat): "significant" only when PRODUCT.md's test says so, otherwise "not a significant
 * change"; undefined without a previous period.
 */
export function comparisonWords(previous: PeriodFigures['previous']): Words | undefined {
  if (!previous) return undefined;
  if (!previous.headline.n || previous.change === null) return words('', '', 'no responses, so no comparison.');
  const type = previous.headline.type;
  const change = changeText(previous.change, SCALES[type].headlineIsMean ? 2 : 1);
  const unit = CHANGE_UNIT[type];
  return previous.significant
    ? words('', `Change ${change} ${unit}: statistically significant`, ' at 95%.')
    : words(
        `Difference ${change} ${unit}: `,
        'not a significant change',
        ' (it is within what chance alone produces).',
      );
}
