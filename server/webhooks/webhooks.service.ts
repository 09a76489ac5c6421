import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { DeliveryQueue, pendingFields, postJson, type PostOutcome } from '../lib/delivery-queue.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import {
  checkDestination,
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

type WebhookDeliveryDoc = {
  _id: mongoose.Types.ObjectId;
  webhookId: mongoose.Types.ObjectId;
  event: string;
  payload: unknown;
  attempts: number;
  giveUpAt: Date;
};

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
  private readonly queue: DeliveryQueue<WebhookDeliveryDoc>;
  // Each survey's webhooks, remembered for 10 s: most surveys have none, and answers should not pay a
  // query to find that out. A webhook added or removed on another instance takes effect within 10 s.
  private readonly hooksOf;

  constructor(private readonly deps: WebhooksDeps) {
    const workerId = `webhooks-${randomBytes(4).toString('hex')}`;
    this.queue = new DeliveryQueue(deps.deliveries, {
      clock: deps.clock,
      workerId,
      logger: deps.logger,
      what: 'webhook',
    });
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
    try {
      return await checkDestination(raw, this.deps.outbound);
    } catch (err) {
      if (err instanceof OutboundBlockedError) throw refuse(messages.refusedAddress(err.message));
      throw refuse(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? messages.httpOnly : messages.fullAddress);
    }
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
        ...pendingFields(now),
      }));
    if (docs.length > 0) await this.deps.deliveries.insertMany(docs);
    return docs.length;
  }

  /** Claims and posts every delivery that is due, one at a time; returns how many were attempted. */
  deliverDue(limit = 100): Promise<number> {
    return this.queue.runDue((delivery, now) => this.post(delivery, now), limit);
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

  /** Posts one claimed delivery, signed; a removed webhook's delivery fails at once. */
  private async post(
    delivery: { _id: mongoose.Types.ObjectId; webhookId: mongoose.Types.ObjectId; event: string; payload: unknown },
    now: Date,
  ): Promise<PostOutcome> {
    const hook = await this.deps.hooks.findById(delivery.webhookId).lean();
    if (!hook || hook.disabledAt) return { error: messages.removed, giveUp: true };
    const body = JSON.stringify(delivery.payload);
    const secret = this.deps.sealer.open(hook.secretSealed);
    return postJson(this.deps.fetch, hook.url, body, {
      'User-Agent': 'nps-webhooks/1',
      'X-NPS-Event': delivery.event,
      'X-NPS-Delivery': String(delivery._id),
      [SIGNATURE_HEADER]: signatureFor(secret, Math.floor(now.getTime() / 1000), body),
    });
  }
}
