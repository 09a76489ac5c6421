import type { ChatKind } from './chat-destination.model.js';

/** What a chat message says about one answer; `contact` only where the destination allows identity. */
export interface ChatFacts {
  surveyName: string;
  score: number;
  /** The top of the survey's scale (10 for NPS, 5 or 7 for the others). */
  scaleMax?: number | undefined;
  /** "Promoter", "Passive", "Detractor", or another scale's band ("Satisfied"). */
  category: string;
  /** The additional questions' answers as [question, answer]. */
  answers?: [string, string][] | undefined;
  /** The repurchase answer in words, or undefined when the customer skipped it. */
  repurchase?: string | undefined;
  comment: string;
  contact?: { name?: string | undefined; email: string } | undefined;
  responseUrl: string;
  caseUrl?: string | undefined;
  /** A test message from the destinations page (the facts are an example). */
  test?: boolean | undefined;
}

/** `https://hooks.slack.com/…a1B2`: enough to tell destinations apart, nothing that lets anyone post. */
export function maskWebhookUrl(url: URL): string {
  const tail = url.pathname.replace(/\/+$/, '').slice(-4);
  return `${url.protocol}//${url.host}/\u2026${tail}`;
}

/** The example a "send a test message" posts: clearly marked, about no one. */
export function testFacts(
  surveyName: string,
  responseUrl: string,
  withIdentity: boolean | null | undefined,
): ChatFacts {
  return {
    test: true,
    surveyName,
    score: 3,
    category: 'Detractor',
    repurchase: 'Not sure',
    comment: 'This is a test message from the survey platform: nothing was answered.',
    ...(withIdentity ? { contact: { name: 'Example Customer', email: 'customer@example.com' } } : {}),
    responseUrl,
  };
}

/** Comments longer than this are cut (with an ellipsis) in chat; the full text is one click away. */
export const COMMENT_MAX = 500;

export function trimComment(comment: string): string {
  const text = comment.trim().replace(/\s+/g, ' ');
  return text.length <= COMMENT_MAX ? text : `${text.slice(0, COMMENT_MAX - 1).trimEnd()}\u2026`;
}

const titleOf = (f: ChatFacts) =>
  `${f.test ? '[Test] ' : ''}${f.category} (${f.score}/${f.scaleMax ?? 10}) \u00b7 ${f.surveyName}`;

/** The facts as label/value rows, in the order every kind shows them. */
function rows(f: ChatFacts): [string, string][] {
  const out: [string, string][] = [
    ['Score', `${f.score} (${f.category})`],
    ['Would buy again', f.repurchase ?? 'Not answered'],
    ...(f.answers ?? []).map(([q, a]): [string, string] => [q, a.length > 300 ? `${a.slice(0, 299)}\u2026` : a]),
  ];
  if (f.contact) out.push(['Customer', f.contact.name ? `${f.contact.name} <${f.contact.email}>` : f.contact.email]);
  return out;
}

function links(f: ChatFacts): [string, string][] {
  return [
    ['Open the answer', f.responseUrl],
    ...(f.caseUrl ? [['Open the follow-up case', f.caseUrl] as [string, string]] : []),
  ];
}

/** &, < and > escaped: Slack's mrkdwn control characters (as its documentation asks), and the little HTML Google Chat's text widgets read. */
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Slack incoming webhook: Block Kit blocks, with `text` as the notification fallback. */
export function slackMessage(f: ChatFacts) {
  const comment = trimComment(f.comment);
  return {
    text: escapeText(titleOf(f)),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: titleOf(f).slice(0, 150), emoji: false } },
      {
        type: 'section',
        fields: rows(f).map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${escapeText(value)}` })),
      },
      ...(comment
        ? [{ type: 'section', text: { type: 'mrkdwn', text: `>${escapeText(comment).replace(/\n/g, '\n>')}` } }]
        : []),
      {
        type: 'actions',
        elements: links(f).map(([label, url], i) => ({
          type: 'button',
          action_id: `open-${i}`,
          text: { type: 'plain_text', text: label },
          url,
        })),
      },
    ],
  };
}

/** Microsoft Teams Workflows ("Post to a channel when a webhook request is received"): an Adaptive Card in a message envelope. */
export function teamsMessage(f: ChatFacts) {
  const comment = trimComment(f.comment);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: titleOf(f), weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'FactSet', facts: rows(f).map(([title, value]) => ({ title, value })) },
            ...(comment ? [{ type: 'TextBlock', text: comment, wrap: true, isSubtle: true }] : []),
          ],
          actions: links(f).map(([title, url]) => ({ type: 'Action.OpenUrl', title, url })),
        },
      },
    ],
  };
}

/** Google Chat incoming webhook: a cardsV2 card, with `text` as the notification fallback. */
export function googleChatMessage(f: ChatFacts) {
  const comment = trimComment(f.comment);
  return {
    text: titleOf(f),
    cardsV2: [
      {
        cardId: 'nps-answer',
        card: {
          header: { title: titleOf(f), subtitle: f.surveyName },
          sections: [
            {
              widgets: [
                ...rows(f).map(([topLabel, text]) => ({ decoratedText: { topLabel, text: escapeText(text) } })),
                ...(comment ? [{ textParagraph: { text: escapeText(comment) } }] : []),
                {
                  buttonList: {
                    buttons: links(f).map(([text, url]) => ({ text, onClick: { openLink: { url } } })),
                  },
                },
              ],
            },
          ],
        },
      },
    ],
  };
}

export function chatMessage(kind: ChatKind, facts: ChatFacts): Record<string, unknown> {
  return kind === 'slack' ? slackMessage(facts) : kind === 'teams' ? teamsMessage(facts) : googleChatMessage(facts);
}
