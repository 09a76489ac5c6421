import { eq } from './eq.js';
import { fixed } from './fixed.js';
import { formatDate } from './format-date.js';
import { json } from './json.js';
import { repurchaseLabel } from './repurchase-label.js';
import { signed } from './signed.js';

/** Every Handlebars helper, registered once on the app's private Handlebars instance. */
export const helpers = { eq, fixed, formatDate, json, repurchaseLabel, signed };
