import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
import type { Sealer } from '../lib/seal.js';
import type { SkipReason } from '../sending/eligibility.js';
import { newInvitationDoc } from '../sending/new-invitation.js';
import type { Trigger } from './trigger.model.js';
import type { TriggerInput } from './triggers.schemas.js';

const DAY = 86_400_000;
/** A request still "received" after this long belongs to a caller whose process died: a retry takes it over. */
const IN_PROGRESS_MS = 30_000;

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

type TriggerDoc = Trigger & { _id: mongoose.Types.ObjectId };
type UpsertContacts = (
  rows: { email: string; name?: string; locale?: string; properties?: Record<string, string> }[],
) => Promise<{ problems: { reason: string }[] }>;

/** The request's fingerprint: the same key must come with the same request. */
function requestHashOf(input: TriggerInput): string {
  const canonical = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(input)))
    .digest('hex');
}

/**
 * Event-triggered (transactional) NPS: a caller's system says "survey this customer N days after their
 * order". Idempotent by the caller's key; the throttle rules of a manual send apply; the answer says
 * whether an invitation was scheduled or skipped and why. See server/triggers/README.md.
 */
export function createTriggersService(deps: {
  models: Models;
  clock: Clock;
  sealer: Sealer;
  upsertContacts: UpsertContacts;
}) {
  const { models, clock, sealer } = deps;

  function outcomeOf(
    t: {
      _id: mongoose.Types.ObjectId;
      key: string;
      state: string;
      reason?: string | null;
      message?: string | null;
      contactId?: mongoose.Types.ObjectId | null;
      invitationId?: mongoose.Types.ObjectId | null;
      sendAt?: Date | null;
    },
    replayed: boolean,
  ): TriggerOutcome {
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

  /** Claims the key for this request: the new trigger document, or the first request's outcome. */
  async function claim(
    surveyId: mongoose.Types.ObjectId,
    input: TriggerInput,
    requestHash: string,
    now: Date,
  ): Promise<{ fresh: TriggerDoc; replay?: undefined } | { replay: TriggerDoc; fresh?: undefined }> {
    try {
      const doc = await models.triggers.create({
        surveyId,
        key: input.idempotencyKey,
        requestHash,
        state: 'received',
        receivedAt: now,
      });
      return { fresh: doc.toObject<TriggerDoc>() };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
    const existing = await models.triggers.findOne({ surveyId, key: input.idempotencyKey }).lean();
    if (!existing)
      throw new ConflictError(
        'This idempotency key is being used by another request right now; retry in a few seconds.',
        'IDEMPOTENCY_IN_PROGRESS',
      );
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        `The idempotency key "${input.idempotencyKey}" was already used for a different request to this survey. Use a new key for a new event.`,
        'IDEMPOTENCY_KEY_REUSED',
      );
    }
    if (existing.state !== 'received') return { replay: existing };
    // The first request is still being decided, or its process died: take over only a stale one (and
    // leave a fresh one's time alone, so quick retries cannot keep a dead request looking alive).
    const busy = () =>
      new ConflictError(
        'A request with this idempotency key is being handled right now; retry in a few seconds.',
        'IDEMPOTENCY_IN_PROGRESS',
      );
    if (now.getTime() - existing.receivedAt.getTime() < IN_PROGRESS_MS) throw busy();
    const taken = await models.triggers
      .findOneAndUpdate(
        { _id: existing._id, state: 'received', receivedAt: existing.receivedAt },
        { $set: { receivedAt: now } },
        { returnDocument: 'after' },
      )
      .lean();
    if (!taken) throw busy();
    return { fresh: taken };
  }

  return {
    /** The survey's latest trigger requests with their outcome, and counts over the last 30 days: the survey page's log. */
    async recent(surveyId: string) {
      if (!mongoose.isValidObjectId(surveyId)) return { scheduled: 0, skipped: 0, latest: [] };
      const _id = new mongoose.Types.ObjectId(surveyId);
      const since = new Date(clock.now().getTime() - 30 * DAY);
      const [counts, latest] = await Promise.all([
        models.triggers.aggregate<{ _id: string; n: number }>([
          { $match: { surveyId: _id, receivedAt: { $gte: since } } },
          { $group: { _id: '$state', n: { $sum: 1 } } },
        ]),
        models.triggers.find({ surveyId: _id }).sort({ receivedAt: -1 }).limit(10).lean(),
      ]);
      const emails = new Map(
        (
          await models.contacts
            .find({ _id: mongoose.trusted({ $in: latest.flatMap((t) => (t.contactId ? [t.contactId] : [])) }) })
            .select('email')
            .lean()
        ).map((c) => [String(c._id), c.email]),
      );
      const n = (state: string) => counts.find((c) => c._id === state)?.n ?? 0;
      return {
        scheduled: n('scheduled'),
        skipped: n('skipped'),
        latest: latest.map((t) => ({
          key: t.key,
          email: t.contactId ? (emails.get(String(t.contactId)) ?? '(deleted contact)') : '',
          state: t.state,
          reason: t.reason ?? '',
          sendAt: t.sendAt ?? undefined,
          receivedAt: t.receivedAt,
        })),
      };
    },

    /**
     * Upserts the contact and schedules one invitation `delayDays` from now, unless the contact is
     * unsubscribed, suppressed or within the throttle. A retry with the same key returns the first
     * outcome; the invitation's unique key `tr:<trigger id>` makes even a takeover after a crash safe.
     */
    async trigger(surveyId: string, input: TriggerInput): Promise<TriggerOutcome> {
      if (!mongoose.isValidObjectId(surveyId))
        throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      const _id = new mongoose.Types.ObjectId(surveyId);
      const survey = await models.surveys.findById(_id).select('status').lean();
      if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      if (survey.status !== 'active' && survey.status !== 'paused') {
        throw new ConflictError(
          `The survey is ${survey.status}; triggers are taken for active (or paused) surveys. Activate it first.`,
          'SURVEY_NOT_ACTIVE',
        );
      }
      const now = clock.now();
      const claimed = await claim(_id, input, requestHashOf(input), now);
      if (claimed.replay) return outcomeOf(claimed.replay, true);
      const trigger = claimed.fresh;

      const properties = { ...input.contact.properties, ...input.properties };
      const { problems } = await deps.upsertContacts([
        { ...input.contact, ...(Object.keys(properties).length ? { properties } : {}) },
      ]);
      if (problems.length > 0) {
        // Nothing was scheduled: free the key so the caller can retry the corrected request with it.
        await models.triggers.deleteOne({ _id: trigger._id, state: 'received' });
        throw new ValidationError(
          `Invalid body: contact.email: ${problems[0]!.reason}`,
          { 'contact.email': problems[0]!.reason },
          'VALIDATION_FAILED',
        );
      }
      const contact = await models.contacts
        .findOne({ email: input.contact.email.trim().toLowerCase() })
        .select('_id unsubscribedAt suppressedAt lastSurveyedAt')
        .lean();
      if (!contact) throw new Error('the contact just upserted is missing');

      let skip: { reason: SkipReason; message: string } | undefined;
      if (contact.unsubscribedAt)
        skip = { reason: 'unsubscribed', message: 'The contact has unsubscribed from survey email.' };
      else if (contact.suppressedAt)
        skip = { reason: 'suppressed', message: 'Email to this address bounced or was refused, so it is suppressed.' };
      else if (
        input.throttleDays > 0 &&
        contact.lastSurveyedAt &&
        contact.lastSurveyedAt.getTime() > now.getTime() - input.throttleDays * DAY
      ) {
        skip = {
          reason: 'recently_surveyed',
          message: `A survey reached (or is scheduled to reach) this contact on ${contact.lastSurveyedAt.toISOString()}, within the ${input.throttleDays}-day throttle.`,
        };
      }

      let decided: Record<string, unknown>;
      if (skip) {
        await models.sendSkips.create({ surveyId: _id, contactId: contact._id, reason: skip.reason, at: now });
        decided = {
          state: 'skipped',
          reason: skip.reason,
          message: skip.message,
          contactId: contact._id,
          decidedAt: now,
        };
      } else {
        const sendAt = new Date(now.getTime() + input.delayDays * DAY);
        const doc = newInvitationDoc(sealer, {
          surveyId: _id,
          contactId: contact._id,
          now,
          sendAt,
          source: 'trigger',
          dedupeKey: `tr:${String(trigger._id)}`,
        });
        let invitationId: mongoose.Types.ObjectId;
        try {
          invitationId = (await models.invitations.collection.insertOne(doc)).insertedId;
        } catch (err) {
          if ((err as { code?: number }).code !== 11000) throw err;
          invitationId = (await models.invitations.findOne({ dedupeKey: doc.dedupeKey }).select('_id').lean())!._id;
        }
        // The throttle counts from the (future) send time, so a second order tomorrow does not survey them twice.
        await models.contacts.updateOne({ _id: contact._id }, { $max: { lastSurveyedAt: sendAt } });
        decided = {
          state: 'scheduled',
          message:
            input.delayDays > 0 ? `Scheduled for ${sendAt.toISOString()}.` : 'Queued; it goes out with the next send.',
          contactId: contact._id,
          invitationId,
          sendAt,
          decidedAt: now,
        };
      }
      const saved = await models.triggers
        .findOneAndUpdate({ _id: trigger._id, state: 'received' }, { $set: decided }, { returnDocument: 'after' })
        .lean();
      // Another request took the key over meanwhile and decided first: its outcome stands.
      return outcomeOf(saved ?? (await models.triggers.findById(trigger._id).lean())!, !saved);
    },
  };
}

export type TriggersService = ReturnType<typeof createTriggersService>;
