import type mongoose from 'mongoose';

import type { ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { reminderOutcome, type RetryPolicy } from './delivery-outcome.js';
import { deliveryBlock } from './eligibility.js';
import type { ClaimedReminder, InvitationStore } from './invitation.store.js';
import { asDeliveryError, type Mailer } from './mailer.js';
import type { ActiveSurvey, MailContact, SurveyMail } from './survey-mail.js';

type ContactForSend = MailContact & {
  _id: mongoose.Types.ObjectId;
  unsubscribedAt?: Date | null;
  suppressedAt?: Date | null;
};

/**
 * Reminders: one per invitation, to people who have not answered after the survey's delay, never to
 * unsubscribed or suppressed contacts. Claimed and settled like a send (invitation.store.ts); a
 * transient failure is retried with the same backoff, after that the reminder is dropped.
 */
export class ReminderSender {
  private lastEmptyCheck = -Infinity;
  private lastSkipAt = -Infinity;

  constructor(
    private readonly deps: {
      invitations: InvitationStore;
      contacts: ContactStore;
      mail: SurveyMail;
      mailer: Mailer;
      clock: Clock;
      workerId: string;
      policy: RetryPolicy & { reminderIdleMs: number };
    },
  ) {}

  /**
   * Claims up to `room` due reminders across the surveys. Reminders are due days after sending: after
   * a look that found none, it waits before looking again (the query reads many invitations) instead
   * of asking between every batch of a large send.
   */
  async claimDue(
    surveys: readonly ActiveSurvey[],
    room: number,
  ): Promise<{ inv: ClaimedReminder; survey: ActiveSurvey }[]> {
    const { invitations, clock, workerId, policy } = this.deps;
    const now = clock.now();
    if (now.getTime() - this.lastEmptyCheck < policy.reminderIdleMs) return [];
    // Reminders that can never go out are settled in bulk first, at most once per idle period.
    const skipNow = now.getTime() - this.lastSkipAt >= policy.reminderIdleMs;
    if (skipNow) this.lastSkipAt = now.getTime();
    const due: { inv: ClaimedReminder; survey: ActiveSurvey }[] = [];
    const reminding = surveys.flatMap((survey) =>
      survey.reminderAfterMs === undefined
        ? []
        : [{ survey, surveyId: survey._id, sentBefore: new Date(now.getTime() - survey.reminderAfterMs) }],
    );
    if (skipNow) await invitations.skipUnremindable(reminding);
    const anyDue = await invitations.anyReminderDue(reminding, now);
    for (const { survey, sentBefore } of anyDue ? reminding : []) {
      while (due.length < room) {
        const inv = await invitations.claimReminder(survey._id, sentBefore, workerId, clock.now());
        if (!inv) break;
        due.push({ inv, survey });
      }
    }
    this.lastEmptyCheck = due.length === 0 ? now.getTime() : -Infinity;
    return due;
  }

  /** Sends one claimed reminder and settles it. */
  async deliver(inv: ClaimedReminder, survey: ActiveSurvey): Promise<void> {
    const { invitations, contacts, mailer, clock, workerId, policy } = this.deps;
    const contact = (
      await contacts.byIds<ContactForSend>([inv.contactId], '_id email name locale unsubscribedAt suppressedAt')
    ).get(String(inv.contactId));
    if (deliveryBlock(contact) !== undefined || !contact || !inv.tokenSealed) {
      await invitations.reminderDropped(inv._id, workerId, 'skipped');
      return;
    }
    const message = await this.deps.mail.compose(inv, survey, contact, true);
    try {
      await mailer.send(message);
    } catch (err) {
      const error = asDeliveryError(err);
      const outcome = reminderOutcome(error.kind, error.message, inv.reminderAttempts, policy, clock.now());
      if (outcome.kind === 'retry') {
        await invitations.reminderRetryLater(inv._id, workerId, outcome.error, outcome.at);
        return;
      }
      await invitations.reminderDropped(inv._id, workerId, outcome.status, outcome.error);
      if (outcome.suppress) await contacts.suppress(inv.contactId, error.message, clock.now());
      return;
    }
    await invitations.reminderSent(inv._id, workerId, clock.now());
  }
}
