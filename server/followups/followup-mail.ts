import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

import { viewsDir } from '../lib/paths.js';

// Compiled once, on a private Handlebars instance (HTML-escaping every value).
const handlebars = Handlebars.create();
const template = (name: string) => handlebars.compile(readFileSync(path.join(viewsDir, 'emails', name), 'utf8'));

/** The alert digest's HTML: each case with score, answers, comment and a link (views/emails/followup-digest.hbs). */
export const digestHtml = template('followup-digest.hbs') as (view: {
  subject: string;
  items: { url: string; survey: string; score?: number | undefined; repurchase: string; comment: string }[];
  all: string;
}) => string;

/** A reply to the customer, as written (views/emails/followup-reply.hbs). */
export const replyHtml = template('followup-reply.hbs') as (view: { message: string }) => string;
