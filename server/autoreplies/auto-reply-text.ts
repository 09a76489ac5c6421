import type { NpsCategory } from '../vocabulary/answers.js';

/** A category's reply as configured on the survey. */
export interface ReplySetting {
  enabled: boolean;
  subject: string;
  body: string;
  delayMinutes: number;
}

/** What a new survey suggests (off until a manager turns it on). */
export const DEFAULT_REPLIES: Record<NpsCategory, ReplySetting> = {
  promoter: {
    enabled: false,
    subject: 'Thank you from {company}',
    body: 'Hello {name},\n\nthank you for your answer - it means a lot to us.\n\nThe {company} team',
    delayMinutes: 60,
  },
  passive: {
    enabled: false,
    subject: 'Thank you from {company}',
    body: 'Hello {name},\n\nthank you for your answer. If there is one thing we could do better, just reply to this email.\n\nThe {company} team',
    delayMinutes: 60,
  },
  detractor: {
    enabled: false,
    subject: 'We are sorry, {name}',
    body: 'Hello {name},\n\nwe are sorry we let you down. Someone from our team will contact you shortly.\n\nThe {company} team',
    delayMinutes: 30,
  },
};

/** The reply's subject and text with {name} and {company} filled in; promoters get the review link too. */
export function replyText(
  setting: Pick<ReplySetting, 'subject' | 'body'>,
  values: { name: string; company: string; reviewUrl?: string | undefined },
): { subject: string; text: string } {
  // Without a name, "Hello {name}," reads "Hello," and "We are sorry, {name}" reads "We are sorry".
  const fill = (s: string) =>
    (values.name ? s.replace(/\{name\}/g, values.name) : s.replace(/,? ?\{name\}/g, '')).replace(
      /\{company\}/g,
      values.company,
    );
  const review = values.reviewUrl ? `\n\nIf you have a minute, a review would help us a lot: ${values.reviewUrl}` : '';
  return {
    subject: fill(setting.subject)
      .replace(/[\r\n]+/g, ' ')
      .trim(),
    text: `${fill(setting.body)}${review}`,
  };
}
