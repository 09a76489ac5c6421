import { createHash } from 'node:crypto';
import type mongoose from 'mongoose';

import { ConflictError, isDuplicateKeyError } from '../lib/errors.js';
import type { Trigger, TriggerModel } from './trigger.model.js';
import { messages } from './triggers.messages.js';

/** A request still "received" after this long belongs to a caller whose process died: a retry takes it over. */
const IN_PROGRESS_MS = 30_000;

export type TriggerDoc = Trigger & { _id: mongoose.Types.ObjectId };

/** The request's fingerprint: the same key must come with the same request. */
export function requestHashOf(input: unknown): string {
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
 * The one module that writes `triggers`: each request claims its idempotency key under a unique index
 * (received), then records what was decided (scheduled | skipped). A retry gets the first outcome.
 */
export class TriggerClaims {
  constructor(private readonly triggers: TriggerModel) {}

  /** Part of deleting a contact: their triggers keep the outcome but lose the link to them. */
  async eraseContact(contactId: mongoose.Types.ObjectId): Promise<void> {
    await this.triggers.updateMany({ contactId }, { $unset: { contactId: 1 } });
  }

  /** Claims the key for this request: the new trigger document, or the first request's outcome. */
  async claim(
    surveyId: mongoose.Types.ObjectId,
    key: string,
    requestHash: string,
    now: Date,
  ): Promise<{ fresh: TriggerDoc; replay?: undefined } | { replay: TriggerDoc; fresh?: undefined }> {
    try {
      const doc = await this.triggers.create({ surveyId, key, requestHash, state: 'received', receivedAt: now });
      return { fresh: doc.toObject<TriggerDoc>() };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const existing = await this.triggers.findOne({ surveyId, key }).lean<TriggerDoc>();
    if (!existing) throw new ConflictError(messages.inProgress, 'IDEMPOTENCY_IN_PROGRESS');
    if (existing.requestHash !== requestHash)
      throw new ConflictError(messages.keyReused(key), 'IDEMPOTENCY_KEY_REUSED');
    if (existing.state !== 'received') return { replay: existing };
    // The first request is still being decided, or its process died: take over only a stale one (and
    // leave a fresh one's time alone, so quick retries cannot keep a dead request looking alive).
    const busy = () => new ConflictError(messages.inProgress, 'IDEMPOTENCY_IN_PROGRESS');
    if (now.getTime() - existing.receivedAt.getTime() < IN_PROGRESS_MS) throw busy();
    const taken = await this.triggers
      .findOneAndUpdate(
        { _id: existing._id, state: 'received', receivedAt: existing.receivedAt },
        { $set: { receivedAt: now } },
        { returnDocument: 'after' },
      )
      .lean<TriggerDoc>();
    if (!taken) throw busy();
    return { fresh: taken };
  }

  /** Nothing was scheduled: frees the key so the caller can retry the corrected request with it. */
  async release(id: mongoose.Types.ObjectId): Promise<void> {
    await this.triggers.deleteOne({ _id: id, state: 'received' });
  }

  /**
   * Records the outcome, unless another request took the key over meanwhile and decided first (its
   * outcome stands). Returns the stored trigger and whether this request's outcome is the one stored.
   */
  async decide(
    id: mongoose.Types.ObjectId,
    decided: Record<string, unknown>,
  ): Promise<{ trigger: TriggerDoc; mine: boolean }> {
    const saved = await this.triggers
      .findOneAndUpdate({ _id: id, state: 'received' }, { $set: decided }, { returnDocument: 'after' })
      .lean<TriggerDoc>();
    if (saved) return { trigger: saved, mine: true };
    return { trigger: (await this.triggers.findById(id).lean<TriggerDoc>())!, mine: false };
  }

  /** The survey's latest requests, newest first, and counts by outcome since `since`. */
  async recent(surveyId: mongoose.Types.ObjectId, since: Date, limit: number) {
    const [counts, latest] = await Promise.all([
      this.triggers.aggregate<{ _id: string; n: number }>([
        { $match: { surveyId, receivedAt: { $gte: since } } },
        { $group: { _id: '$state', n: { $sum: 1 } } },
      ]),
      this.triggers.find({ surveyId }).sort({ receivedAt: -1 }).limit(limit).lean<TriggerDoc[]>(),
    ]);
    return { counts, latest };
  }
}
