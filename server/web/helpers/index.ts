import { eq } from './eq.js';
import { formatDate } from './format-date.js';
import { json } from './json.js';

/** Every Handlebars helper, registered once on the app's private Handlebars instance. */
export const helpers = { eq, formatDate, json };
