import { REPURCHASE_LABELS } from '../../vocabulary/answers.js';

/** {{repurchaseLabel "not_sure"}}: "Not sure"; the stored value itself when it is not one of the five answers. */
export function repurchaseLabel(value: unknown): string {
  if (typeof value !== 'string') return '';
  return (REPURCHASE_LABELS as Record<string, string>)[value] ?? value;
}
