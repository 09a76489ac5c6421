import type { PeriodFigures } from './survey-figures.js';

/** +3.2 / −3.2 (a real minus sign) / 0.0 */
export function changeText(change: number | null | undefined): string {
  if (change === null || change === undefined) return '';
  const text = Math.abs(change).toFixed(1);
  return change > 0 && text !== '0.0' ? `+${text}` : change < 0 && text !== '0.0' ? `\u2212${text}` : text;
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
  if (!previous.figures.n || previous.change === null) return words('', '', 'no responses, so no comparison.');
  const change = changeText(previous.change);
  return previous.significant
    ? words('', `Change ${change} points: statistically significant`, ' at 95%.')
    : words(`Difference ${change} points: `, 'not a significant change', ' (it is within what chance alone produces).');
}
