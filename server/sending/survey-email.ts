import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import juice from 'juice';

import { DEFAULT_ACCENT, HEX_COLOUR, textColourOn } from '../branding/colour.js';
import { viewsDir } from '../lib/paths.js';
import { pickLanguage, type Language } from '../vocabulary/languages.js';
import { firstQuestionIn, scaleWordsOf } from '../vocabulary/scale-wording.js';
import { pointsOf, type SurveyType } from '../vocabulary/scales.js';
import { fillCompany, WORDING } from '../vocabulary/wording.js';
import type { OutgoingMessage } from './mailer.js';

/** What the email needs to know about the survey (a plain object, e.g. from surveys.get). */
export interface EmailSurvey {
  id: string;
  name: string;
  companyName: string;
  recommendQuestion: string;
  /** The first question's scale; NPS (0-10) when not given. */
  type?: SurveyType;
  senderName: string;
  replyTo: string;
  emailSubject: string;
  emailIntro: string;
  language: string;
  /** #rrggbb, or empty for the standard blue. */
  accentColor?: string;
  /** The sender's postal address and any other footer lines. */
  footerText?: string;
}

/**
 * The logo at the top of the email. With its bytes it is embedded as an inline (cid:) attachment, so
 * no client fetches anything from us when the email is opened (no open tracking, and it shows even
 * where remote images are blocked); with a url (the in-app preview) it is linked.
 */
export type EmailLogo = { width: number; height: number; alt?: string } & (
  { data: Buffer; contentType: string; sha256: string } | { url: string }
);

export interface EmailContact {
  email: string;
  name: string;
  locale: string;
}

export interface SurveyEmail extends OutgoingMessage {
  language: Language;
}

// Compiled once; CSS is inlined by juice per message (mail clients drop <style> blocks unevenly).
const template = Handlebars.create().compile(readFileSync(path.join(viewsDir, 'emails', 'survey.hbs'), 'utf8'), {
  strict: false,
});

/** Stands for the link token in a cached HTML shell; base64url-shaped, so escaping leaves it alone. */
const TOKEN_SLOT = 'NPSxTOKENxSLOTxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';
const htmlShells = new Map<string, string>();

/** Quotes a display name for an address header when it contains specials ("Acme, Inc." <a@b>). */
function address(name: string, email: string): string {
  const clean = name.replace(/[\r\n]/g, ' ').trim();
  if (!clean) return email;
  return /^[\w .'-]+$/.test(clean) ? `${clean} <${email}>` : `"${clean.replace(/["\\]/g, '\\$&')}" <${email}>`;
}

/**
 * RFC 2919 List-Id: an optional phrase and <list-id>. A mailer encodes a header holding any non-ASCII
 * character as one encoded word, hiding the <list-id> from parsers, so the phrase is the survey name
 * in ASCII ("Café NPS" -> Cafe NPS; quoted when it needs it, "Acme, Inc."), left out if nothing is left.
 */
export function listId(name: string, id: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii ? address(ascii, id) : `<${id}>`;
}

/**
 * The survey email for one invitation: an HTML part (table layout, inline CSS) with eleven score links
 * and a plain-text part with the same links, in the contact's language where we have it.
 * Headers: List-Unsubscribe with a URL plus List-Unsubscribe-Post (RFC 8058 one-click), List-Id, and a
 * Message-ID derived from the invitation, so a retried send carries the same id.
 */
export function renderSurveyEmail(input: {
  survey: EmailSurvey;
  contact: EmailContact;
  token: string;
  invitationId: string;
  baseUrl: string;
  mailFrom: string;
  reminder?: boolean;
  logo?: EmailLogo;
}): SurveyEmail {
  const { survey, contact, token, baseUrl } = input;
  const language = pickLanguage(contact.locale, survey.language);
  const wording = WORDING[language].email;
  const host = new URL(baseUrl).hostname;
  const type = survey.type ?? 'nps';
  const { points, scaleWords, view: scaleView } = scaleParts(type, language);
  const question = fillCompany(firstQuestionIn(type, survey.recommendQuestion, language), survey.companyName);
  const subject =
    (input.reminder ? wording.reminderSubjectPrefix : '') +
    (survey.emailSubject ? fillCompany(survey.emailSubject, survey.companyName) : question);
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('a link token is base64url');
  const linksFor = (t: string) => ({
    // One link per point of the scale, the same token in each (the page opens with it chosen, unsaved).
    scores: points.map((score) => ({
      score,
      label: scaleView.stars ? `${score} ★` : String(score),
      url: `${baseUrl}/r/${t}/${score}`,
    })),
    unsubscribeUrl: `${baseUrl}/u/${t}`,
    honeypotUrl: `${baseUrl}/r/${t}/check`,
  });
  const { scores, unsubscribeUrl } = linksFor(token);
  const intro = fillCompany(survey.emailIntro, survey.companyName);
  const footerReason = wording.footerReason(survey.companyName);
  const { accent, footerLines } = lookOf(survey);
  const logo = logoParts(input.logo, survey.companyName);

  // The HTML differs between recipients only in the token inside its links, so the token is put into
  // a cached shell by text replacement; tokens are base64url, safe in an attribute as they are.
  const view = {
    lang: language,
    subject,
    question,
    intro,
    footerReason,
    footerLines,
    reminder: input.reminder === true,
    ...scaleView,
    accent,
    logo: logo?.view,
    baseUrl,
  };
  const html = htmlShell(view, () => ({ wording, ...linksFor(TOKEN_SLOT) })).replaceAll(TOKEN_SLOT, token);
  const text = [
    ...(input.reminder ? [wording.reminderNote, ''] : []),
    ...(intro ? [intro, ''] : []),
    question,
    wording.instruction,
    '',
    ...scores.map((s) => `${wording.textScoreLine(s.score)}${s.url}`),
    '',
    `${points[0]} = ${scaleWords.lowLabel}, ${points.at(-1)} = ${scaleWords.highLabel}`,
    '',
    '--',
    ...footerLines,
    footerReason,
    `${wording.unsubscribe}: ${unsubscribeUrl}`,
    '',
  ].join('\n');

  const fromAddress = /<([^>]+)>/.exec(input.mailFrom)?.[1] ?? input.mailFrom;
  return {
    from: address(survey.senderName || survey.companyName, fromAddress),
    to: address(contact.name, contact.email),
    ...(survey.replyTo ? { replyTo: survey.replyTo } : {}),
    subject,
    html,
    text,
    messageId: `<${input.reminder ? 'reminder' : 'invitation'}-${input.invitationId}@${host}>`,
    headers: listHeaders(survey, host, unsubscribeUrl),
    ...(logo?.attachment ? { attachments: [logo.attachment] } : {}),
    language,
  };
}

/** The brand's accent colour (the standard blue unless a valid one is set) and the footer's lines. */
function lookOf(survey: EmailSurvey) {
  const accent = survey.accentColor && HEX_COLOUR.test(survey.accentColor) ? survey.accentColor : DEFAULT_ACCENT;
  const footerLines = (survey.footerText ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return { accent, footerLines };
}

/** One-click unsubscribe (RFC 8058) and the list's id. */
function listHeaders(survey: EmailSurvey, host: string, unsubscribeUrl: string) {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    'List-Id': listId(survey.name, `survey-${survey.id}.${host}`),
  };
}

/** The scale's points and the words at its ends, as the email's HTML and text show them. */
function scaleParts(type: SurveyType, language: Language) {
  const points = pointsOf(type);
  const scaleWords = scaleWordsOf(type, language);
  return {
    points,
    scaleWords,
    view: {
      scaleWords,
      scaleLow: points[0],
      scaleHigh: points.at(-1),
      cellWidth: Math.floor(100 / points.length),
      stars: type === 'stars',
    },
  };
}

/** The logo as the template shows it, and as the inline attachment it points at when it has bytes. */
function logoParts(logo: EmailLogo | undefined, companyName: string) {
  if (!logo) return undefined;
  const cid = 'data' in logo ? `logo-${logo.sha256}@nps` : undefined;
  const view = {
    src: 'url' in logo ? logo.url : `cid:${cid}`,
    width: logo.width,
    height: logo.height,
    alt: logo.alt ?? companyName,
  };
  const attachment =
    'data' in logo && cid
      ? {
          filename: `logo.${logo.contentType.split('/')[1]}`,
          content: logo.data,
          contentType: logo.contentType,
          cid,
          contentDisposition: 'inline' as const,
        }
      : undefined;
  return { view, attachment };
}

/**
 * The inlined HTML for a survey look, with TOKEN_SLOT where the token goes: rendered once per look
 * (juice parses the whole document, about 1.5 ms an email) and kept for the next recipient.
 */
function htmlShell(view: { accent: string } & Record<string, unknown>, extra: () => Record<string, unknown>): string {
  const cacheKey = JSON.stringify(view);
  let shell = htmlShells.get(cacheKey);
  if (shell === undefined) {
    shell = juice(template({ ...view, ...extra(), accentText: textColourOn(view.accent) }), {
      removeStyleTags: true,
      preserveMediaQueries: true,
    });
    if (htmlShells.size >= 200) htmlShells.clear();
    htmlShells.set(cacheKey, shell);
  }
  return shell;
}
