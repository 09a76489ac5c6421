import mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import type { ResponseStore } from '../responses/response.store.js';
import type { Mailer } from '../sending/mailer.js';
import { surveySender } from '../sending/sender.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { caseIdOf } from './case-id.js';
import { replyHtml } from './followup-mail.js';
import type { FollowUpStore } from './followup.store.js';
import { messages } from './followups.messages.js';

/**
 * Replies to the customer by email from the case, through the configured sender (the survey's sender
 * name and reply-to), and logs the reply as a note. Only for cases whose response has a contact.
 */
export async function replyToCustomer(
  deps: { cases: FollowUpStore; responses: ResponseStore; contacts: ContactStore; surveys: SurveyStore; clock: Clock },
  id: string,
  userId: string,
  input: { subject: string; message: string; mailer: Mailer; mailFrom: string; baseUrl: string },
): Promise<string> {
  const c = await deps.cases.findById(caseIdOf(id));
  if (!c) throw new NotFoundError(messages.notFound, 'FOLLOWUP_NOT_FOUND');
  const response = await deps.responses.findById(c.responseId);
  const contact = response?.contactId ? await deps.contacts.findById(response.contactId) : null;
  if (!contact) throw new ValidationError(messages.noContact, {}, 'NO_CONTACT');
  const survey = await deps.surveys.findById(c.surveyId);
  const from = surveySender(survey, input.mailFrom);
  const now = deps.clock.now();
  await input.mailer.send({
    from,
    to: contact.email,
    ...(survey?.replyTo ? { replyTo: survey.replyTo } : {}),
    subject: input.subject,
    text: input.message,
    html: replyHtml({ message: input.message }),
    messageId: `<reply-${id}-${now.getTime()}@${new URL(input.baseUrl).hostname}>`,
    headers: {},
  });
  const text = `Replied by email to ${contact.email}: "${input.subject}"\n\n${input.message}`;
  await deps.cases.addNote(c._id, { authorId: new mongoose.Types.ObjectId(userId), text, at: now });
  await deps.cases.stampFirstAction(c._id, now);
  return contact.email;
}
