import type { ContactDoc } from '../contacts/contact.model.js';
import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { hashToken, isWellFormedToken } from '../lib/tokens.js';
import type { SurveyDoc } from '../surveys/survey.model.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import type { InvitationStore } from './invitation.store.js';

/** The unsubscribe link in every email: who it belongs to, and unsubscribing them. */
export class UnsubscribeService {
  constructor(
    private readonly deps: { invitations: InvitationStore; contacts: ContactStore; surveys: SurveyStore; clock: Clock },
  ) {}

  /** The contact and survey behind a link token; null for a malformed or unknown token (checked before any query). */
  async lookup(token: unknown): Promise<{ contact: ContactDoc; survey: SurveyDoc } | null> {
    if (!isWellFormedToken(token)) return null;
    const invitation = await this.deps.invitations.findByTokenHash<{
      contactId: ContactDoc['_id'];
      surveyId: SurveyDoc['_id'];
    }>(hashToken(token), 'contactId surveyId');
    if (!invitation) return null;
    const [contact, survey] = await Promise.all([
      this.deps.contacts.findById(invitation.contactId),
      this.deps.surveys.findById(invitation.surveyId),
    ]);
    return contact && survey ? { contact, survey } : null;
  }

  /** Idempotent: the first date is kept. */
  unsubscribe(contact: ContactDoc): Promise<void> {
    return this.deps.contacts.unsubscribe(contact._id, this.deps.clock.now());
  }
}
