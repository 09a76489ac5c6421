import { concat, eq, includes } from './eq.js';
import { fixed } from './fixed.js';
import { dateFormatter } from './format-date.js';
import { json } from './json.js';
import { repurchaseLabel } from './repurchase-label.js';
import { signed } from './signed.js';

/** Every Handlebars helper, registered once on the app's private Handlebars instance; dates in `timeZone`. */
export function helpersFor(timeZone: string) {
  return { concat, eq, includes, fixed, formatDate: dateFormatter(timeZone), json, repurchaseLabel, signed };
}
