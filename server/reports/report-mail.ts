import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import Handlebars from 'handlebars';

import { viewsDir } from '../lib/paths.js';
import type { OutgoingMessage } from '../sending/mailer.js';
import { reportText, type ReportView } from './report-content.js';

// Compiled once, on a private Handlebars instance (HTML-escaping every value).
const handlebars = Handlebars.create();
const read = (name: string) => readFileSync(path.join(viewsDir, 'emails', name), 'utf8');
handlebars.registerPartial('body', read('report-body.hbs'));
const email = handlebars.compile(read('report.hbs'));
const body = handlebars.compile(read('report-body.hbs'));

/** The report email's HTML document (chart as an inline cid image; views/emails/report.hbs). */
export function reportHtml(view: ReportView, extra: { chartCid?: string; unsubscribeUrl?: string }): string {
  return email({ ...view, ...extra });
}

/**
 * The report's content for a page of the app (the preview): the chart as inline SVG, and without the
 * email's inline styles, which the app's CSP does not allow (the app's stylesheet styles it instead).
 */
export function reportPageHtml(view: ReportView): string {
  return body({ ...view, chartSvg: view.trendSvg }).replace(/ style="[^"]*"/g, '');
}

/** The trend chart as a PNG, rasterised from the same SVG the pages draw (twice the size, for sharp screens). */
export function trendPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: 1280 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * One recipient's report email: HTML with the chart as an inline (cid) PNG, a plain-text part with
 * the same figures, and one-click unsubscribe from this report (RFC 8058: List-Unsubscribe with an
 * https URL plus List-Unsubscribe-Post).
 */
export function reportEmail(input: {
  view: ReportView;
  png: Buffer;
  to: string;
  from: string;
  unsubscribeUrl: string | undefined;
  messageId: string;
  listId: string;
}): OutgoingMessage {
  const cid = 'nps-trend@report';
  const { view, unsubscribeUrl } = input;
  return {
    from: input.from,
    to: input.to,
    subject: view.hasResponses
      ? `${view.title}: NPS ${view.nps} (${view.periodText})`
      : `${view.title}: no responses (${view.periodText})`,
    html: reportHtml(view, { chartCid: cid, ...(unsubscribeUrl ? { unsubscribeUrl } : {}) }),
    text: reportText(view, unsubscribeUrl),
    messageId: input.messageId,
    headers: {
      'List-Id': input.listId,
      ...(unsubscribeUrl
        ? { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
        : {}),
    },
    attachments: [
      { filename: 'nps-trend.png', content: input.png, contentType: 'image/png', cid, contentDisposition: 'inline' },
    ],
  };
}
