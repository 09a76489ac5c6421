import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import {
  checkResolved,
  checkUrl,
  maskUrlCredentials,
  OutboundBlockedError,
  type OutboundFetch,
  type OutboundPolicy,
} from '../lib/outbound-http.js';
import type { Sealer } from '../lib/seal.js';
import { ttlCache } from '../lib/ttl-cache.js';
import { SIGNATURE_HEADER, signatureFor } from './webhook-signature.js';
import type { WebhookDeliveryModel, WebhookEvent, WebhookModel } from './webhook.model.js';
import { messages } from './webhooks.messages.js';

/** Retry delays after each failed attempt; after 24 h from the event the delivery is given up. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

export interface WebhooksDeps {
  hooks: WebhookModel;
  deliveries: WebhookDeliveryModel;
  clock: Clock;
  sealer: Sealer;
  logger?: Logger | undefined;
  /** Which destinations may be called (lib/outbound-http.ts); the same policy builds `fetch`. */
  outbound: OutboundPolicy;
  fetch: OutboundFetch;
}

/**
 * Webhooks: admins register URLs per survey; every response write enqueues one delivery per matching
 * webhook (a single insert - the response path never waits for anyone's server); `deliverDue` posts
 * them, signed, retrying with backoff for 24 hours. The only writer of webhooks and webhookDeliveries.
 */
export class WebhooksService {
  private readonly workerId = `webhooks-${randomBytes(4).toString('hex')}`;
  // Each survey's webhooks, remembered for 10 s: most surveys have none, and answers should not pay a
  // query to find that out. A webhook added or removed on another instance takes effect within 10 s.
  private readonly hooksOf;

  constructor(private readonly deps: WebhooksDeps) {
    this.hooksOf = ttlCache({ ttlMs: 10_000, clock: deps.clock }, (surveyId: string) =>
      deps.hooks.find({ surveyId, disabledAt: null }).select('_id events').lean(),
    );
  }

  async register(input: {
    surveyId: string;
    url: string;
    events: WebhookEvent[];
    createdBy?: string;
  }): Promise<{ id: string; secret: string }> {
    const url = await this.destination(input.url);
    if (input.events.length === 0) throw new ValidationError(messages.chooseEvent, { events: messages.chooseEvent });
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const doc = await this.deps.hooks.create({
      surveyId: input.surveyId,
      url: url.toString(),
      events: input.events,
      secretSealed: this.deps.sealer.seal(secret),
      createdBy: input.createdBy,
      createdAt: this.deps.clock.now(),
    });
    this.hooksOf.forget(input.surveyId);
    return { id: String(doc._id), secret };
  }

  /** The URL if it may be called: well formed, http(s), no credentials, a public address (also once resolved). */
  private async destination(raw: string): Promise<URL> {
    const refuse = (message: string) => new ValidationError(message, { url: message });
    let url: URL;
    try {
      url = checkUrl(raw, this.deps.outbound);
    } catch (err) {
      if (err instanceof OutboundBlockedError) throw refuse(messages.refusedAddress(err.message));
      throw refuse(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? messages.httpOnly : messages.fullAddress);
    }
    try {
      await checkResolved(url, this.deps.outbound);
    } catch (err) {
      if (err instanceof OutboundBlockedError) throw refuse(messages.refusedAddress(err.message));
      // A name that does not resolve now is kept: DNS may be down; every delivery checks again.
    }
    return url;
  }

  async list(surveyId: string) {
    const docs = await this.deps.hooks.find({ surveyId, disabledAt: null }).sort({ createdAt: -1 }).lean();
    return docs.map((d) => ({
      id: String(d._id),
      url: maskUrlCredentials(d.url),
      events: d.events,
      createdAt: d.createdAt,
    }));
  }

  async remove(surveyId: string, id: string): Promise<void> {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError(messages.notFound, 'WEBHOOK_NOT_FOUND');
    const res = await this.deps.hooks.updateOne(
      { _id: id, surveyId, disabledAt: null },
      { $set: { disabledAt: this.deps.clock.now() } },
    );
    this.hooksOf.forget(surveyId);
    if (res.matchedCount === 0) throw new NotFoundError(messages.notFound, 'WEBHOOK_NOT_FOUND');
  }

  /**
   * Part of deleting a contact: deliveries not yet made are dropped (the person's data is not sent
   * after they were deleted), and the stored payload of every other delivery about them is erased.
   */
  async eraseContact(contactId: mongoose.Types.ObjectId): Promise<void> {
    const about = { 'payload.data.contactId': String(contactId) };
    await this.deps.deliveries.deleteMany({ ...about, status: 'pending' });
    await this.deps.deliveries.updateMany(about, { $set: { payload: { erased: true } } });
  }

  /** Queues the event for every webhook of the survey that wants it. One insert; nothing is sent here. */
  async enqueue(
    event: WebhookEvent,
    surveyId: mongoose.Types.ObjectId,
    payload: Record<string, unknown>,
  ): Promise<number> {
    const hooks = await this.hooksOf.get(String(surveyId));
    const now = this.deps.clock.now();
    const docs = hooks
      .filter((h) => h.events.includes(event))
      .map((h) => ({
        webhookId: h._id,
        surveyId,
        event,
        payload: {
          id: `evt_${randomBytes(12).toString('hex')}`,
          type: event,
          createdAt: now.toISOString(),
          data: payload,
        },
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        giveUpAt: new Date(now.getTime() + GIVE_UP_AFTER_MS),
        createdAt: now,
      }));
    if (docs.length > 0) await this.deps.deliveries.insertMany(docs);
    return docs.length;
  }

  /** Claims and posts every delivery that is due, one at a time; returns how many were attempted. */
  async deliverDue(limit = 100): Promise<number> {
    const { deliveries, clock } = this.deps;
    // A worker that died mid-post leaves its claim; after 5 minutes the delivery is tried again
    // (delivery is at least once: receivers dedupe by the X-NPS-Delivery id).
    const stale = new Date(clock.now().getTime() - 5 * 60_000);
    await deliveries.updateMany(
      { status: 'delivering', claimedAt: mongoose.trusted({ $lt: stale }) },
      { $set: { status: 'pending' }, $unset: { claimedBy: 1 } },
    );
    let attempted = 0;
    while (attempted < limit) {
      const now = clock.now();
      const delivery = await deliveries
        .findOneAndUpdate(
          { status: 'pending', nextAttemptAt: mongoose.trusted({ $lte: now }) },
          { $set: { status: 'delivering', claimedBy: this.workerId, claimedAt: now }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        )
        .lean();
      if (!delivery) break;
      attempted++;
      await this.post(delivery, now);
    }
    return attempted;
  }

  async deliveries(surveyId: string) {
    const docs = await this.deps.deliveries.find({ surveyId }).sort({ createdAt: -1 }).limit(100).lean();
    return docs.map((d) => ({
      id: String(d._id),
      event: d.event,
      status: d.status,
      attempts: d.attempts,
      createdAt: d.createdAt,
      nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : undefined,
      lastStatusCode: d.lastStatusCode ?? undefined,
      lastError: d.lastError ?? undefined,
      deliveredAt: d.deliveredAt ?? undefined,
    }));
  }

  /** Posts one claimed delivery, signed, and settles it: delivered, or pending with backoff, or failed after 24 h. */
  private async post(
    delivery: {
      _id: mongoose.Types.ObjectId;
      webhookId: mongoose.Types.ObjectId;
      event: string;
      payload: unknown;
      attempts: number;
      giveUpAt: Date;
    },
    now: Date,
  ): Promise<void> {
    const { hooks, deliveries, clock, sealer } = this.deps;
    const hook = await hooks.findById(delivery.webhookId).lean();
    const body = JSON.stringify(delivery.payload);
    let statusCode: number | undefined;
    let error: string | undefined;
    if (!hook || hook.disabledAt) error = messages.removed;
    else {
      try {
        const headers = {
          'Content-Type': 'application/json',
          'User-Agent': 'nps-webhooks/1',
          'X-NPS-Event': delivery.event,
          'X-NPS-Delivery': String(delivery._id),
          [SIGNATURE_HEADER]: signatureFor(sealer.open(hook.secretSealed), Math.floor(now.getTime() / 1000), body),
        };
        const res = await this.deps.fetch(hook.url, { method: 'POST', headers, body });
        statusCode = res.status;
        await res.body?.cancel();
        if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
      } catch (err) {
        error = deliveryError(err);
      }
    }
    const mine = { _id: delivery._id, status: 'delivering' as const, claimedBy: this.workerId };
    const settledAt = clock.now();
    if (!error) {
      await deliveries.updateOne(mine, {
        $set: { status: 'delivered', deliveredAt: settledAt, lastStatusCode: statusCode },
        $unset: { lastError: 1, claimedBy: 1 },
      });
      return;
    }
    const next = new Date(
      settledAt.getTime() + RETRY_DELAYS_MS[Math.min(delivery.attempts - 1, RETRY_DELAYS_MS.length - 1)]!,
    );
    const giveUp = !hook || Boolean(hook.disabledAt) || next > delivery.giveUpAt;
    const set = {
      status: giveUp ? ('failed' as const) : ('pending' as const),
      nextAttemptAt: next,
      lastError: error.slice(0, 1000),
      ...(statusCode ? { lastStatusCode: statusCode } : {}),
    };
    await deliveries.updateOne(mine, { $set: set, $unset: { claimedBy: 1 } });
    this.deps.logger?.warn({ delivery: String(delivery._id), error, giveUp }, 'webhook delivery failed');
  }
}

/** What a failed post says in the delivery log: the guard's refusal or the network error, never a URL's credentials. */
function deliveryError(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const message = cause
    ? `${(err as Error).message}: ${cause.message}`
    : err instanceof Error
      ? err.message
      : String(err);
  return maskUrlCredentials(message);
}
