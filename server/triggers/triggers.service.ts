import mongoose from 'mongoose';

import type { ContactImportService } from '../contacts/contact-import.service.js';
import type { ContactState, ContactStore } from '../contacts/contact.store.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, ValidationError } from '../lib/errors.js';
import type { Sealer } from '../lib/seal.js';
import { eligibility, type SkipReason } from '../sending/eligibility.js';
import type { InvitationStore } from '../sending/invitation.store.js';
import { newInvitationDoc } from '../sending/new-invitation.js';
import type { SendSkipStore } from '../sending/send-skip.store.js';
import { surveyIdOf, surveyNotFound } from '../surveys/survey-id.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { requestHashOf, type TriggerClaims, type TriggerDoc } from './trigger-claims.js';
import { messages } from './triggers.messages.js';
import type { TriggerInput } from './triggers.schemas.js';

const DAY = 86_400_000;

export interface TriggerOutcome {
  id: string;
  idempotencyKey: string;
  status: 'scheduled' | 'skipped';
  /** Why it was skipped: unsubscribed, suppressed or recently_surveyed. */
  reason?: string;
  message: string;
  contactId: string;
  invitationId?: string;
  sendAt?: Date;
  /** True when this is a retry answered from the first request's outcome. */
  replayed: boolean;
}

export interface TriggersDeps {
  claims: TriggerClaims;
  surveys: SurveyStore;
  contacts: ContactStore;
  contactImports: ContactImportService;
  invitations: InvitationStore;
  skips: SendSkipStore;
  clock: Clock;
  sealer: Sealer;
}

function outcomeOf(t: TriggerDoc, replayed: boolean): TriggerOutcome {
  return {
    id: String(t._id),
    idempotencyKey: t.key,
    status: t.state as 'scheduled' | 'skipped',
    ...(t.reason ? { reason: t.reason } : {}),
    message: t.message ?? '',
    contactId: String(t.contactId),
    ...(t.invitationId ? { invitationId: String(t.invitationId) } : {}),
    ...(t.sendAt ? { sendAt: t.sendAt } : {}),
    replayed,
  };
}

const SKIP_MESSAGES: Partial<Record<SkipReason, (contact: ContactState, input: TriggerInput) => string>> = {
  unsubscribed: () => messages.unsubscribed,
  suppressed: () => messages.suppressed,
  recently_surveyed: (c, input) => messages.recentlySurveyed(c.lastSurveyedAt!, input.throttleDays),
};

/**
 * Event-triggered (transactional) NPS: a caller's system says "survey this customer N days after their
 * order". Idempotent by the caller's key; the same eligibility rules as a manual send (a throttled
 * contact is skipped); the answer says whether an invitation was scheduled or skipped and why. See
 * server/triggers/README.md.
 */
export class TriggersService {
  constructor(private readonly deps: TriggersDeps) {}

  /** The survey's latest trigger requests with their outcome, and counts over the last 30 days: the survey page's log. */
  async recent(surveyId: string) {
    if (!mongoose.isValidObjectId(surveyId)) return { scheduled: 0, skipped: 0, latest: [] };
    const since = new Date(this.deps.clock.now().getTime() - 30 * DAY);
    const { counts, latest } = await this.deps.claims.recent(new mongoose.Types.ObjectId(surveyId), since, 10);
    const emails = await this.deps.contacts.byIds<{ _id: mongoose.Types.ObjectId; email: string }>(
      latest.flatMap((t) => (t.contactId ? [t.contactId] : [])),
      'email',
    );
    const n = (state: string) => counts.find((c) => c._id === state)?.n ?? 0;
    return {
      scheduled: n('scheduled'),
      skipped: n('skipped'),
      latest: latest.map((t) => ({
        key: t.key,
        email: t.contactId ? (emails.get(String(t.contactId))?.email ?? '(deleted contact)') : '',
        state: t.state,
        reason: t.reason ?? '',
        sendAt: t.sendAt ?? undefined,
        receivedAt: t.receivedAt,
      })),
    };
  }

  /**
   * Upserts the contact and schedules one invitation `delayDays` from now, unless the contact is
   * unsubscribed, suppressed or within the throttle. A retry with the same key returns the first
   * outcome; the invitation's unique key `tr:<trigger id>` makes even a takeover after a crash safe.
   */
  async trigger(surveyId: string, input: TriggerInput): Promise<TriggerOutcome> {
    const { claims, surveys, clock } = this.deps;
    const _id = surveyIdOf(surveyId);
    const status = await surveys.statusOf(_id);
    if (!status) throw surveyNotFound();
    if (status !== 'active' && status !== 'paused')
      throw new ConflictError(messages.notActive(status), 'SURVEY_NOT_ACTIVE');
    const now = clock.now();
    const claimed = await claims.claim(_id, input.idempotencyKey, requestHashOf(input), now);
    if (claimed.replay) return outcomeOf(claimed.replay, true);
    const trigger = claimed.fresh;
    const contact = await this.upsertContact(trigger, input);
    const decision = eligibility(contact, { now, throttleDays: input.throttleDays, whenThrottled: 'skip' });
    const decided =
      decision.kind === 'skip'
        ? await this.skip(_id, contact, decision.reason, input, now)
        : await this.schedule(_id, trigger, contact, input, now);
    // Another request took the key over meanwhile and decided first: its outcome stands.
    const { trigger: stored, mine } = await claims.decide(trigger._id, decided);
    return outcomeOf(stored, !mine);
  }

  /** Creates or updates the contact (properties merged); a bad email frees the key and is the caller's 400. */
  private async upsertContact(trigger: TriggerDoc, input: TriggerInput): Promise<ContactState> {
    const properties = { ...input.contact.properties, ...input.properties };
    const row = { ...input.contact, ...(Object.keys(properties).length ? { properties } : {}) };
    const { problems } = await this.deps.contactImports.upsertMany([row]);
    if (problems.length > 0) {
      await this.deps.claims.release(trigger._id);
      const reason = problems[0]!.reason;
      throw new ValidationError(
        `Invalid body: contact.email: ${reason}`,
        { 'contact.email': reason },
        'VALIDATION_FAILED',
      );
    }
    const contact = await this.deps.contacts.findByEmail(input.contact.email.trim().toLowerCase());
    if (!contact) throw new Error('the contact just upserted is missing');
    return contact;
  }

  private async skip(
    surveyId: mongoose.Types.ObjectId,
    contact: ContactState,
    reason: SkipReason,
    input: TriggerInput,
    now: Date,
  ) {
    await this.deps.skips.record([{ surveyId, contactId: contact._id, reason, at: now }]);
    const message = SKIP_MESSAGES[reason]?.(contact, input) ?? reason;
    return { state: 'skipped', reason, message, contactId: contact._id, decidedAt: now };
  }

  private async schedule(
    surveyId: mongoose.Types.ObjectId,
    trigger: TriggerDoc,
    contact: ContactState,
    input: TriggerInput,
    now: Date,
  ) {
    const sendAt = new Date(now.getTime() + input.delayDays * DAY);
    const doc = newInvitationDoc(this.deps.sealer, {
      surveyId,
      contactId: contact._id,
      now,
      sendAt,
      source: 'trigger',
      dedupeKey: `tr:${String(trigger._id)}`,
    });
    const invitationId = await this.deps.invitations.insertOnce({ ...doc, dedupeKey: `tr:${String(trigger._id)}` });
    // The throttle counts from the (future) send time, so a second order tomorrow does not survey them twice.
    await this.deps.contacts.markSurveyedUntil(contact._id, sendAt);
    const message = input.delayDays > 0 ? messages.scheduled(sendAt) : messages.queuedNow;
    return { state: 'scheduled', message, contactId: contact._id, invitationId, sendAt, decidedAt: now };
  }
}
