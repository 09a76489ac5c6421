import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import type { Clock } from '../lib/clock.js';
import { NotFoundError, ValidationError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Sealer } from '../lib/seal.js';
import type { WebhookEvent } from './webhook.model.js';

export const SIGNATURE_HEADER = 'X-NPS-Signature';
/** Retry delays after each failed attempt; after 24 h from the event the delivery is given up. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/**
 * The signature header value for a body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The
 * timestamp is signed with the body, so a receiver can refuse replays older than a few minutes.
 */
export function signatureFor(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does with the header (documented for customers; used by our tests). */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureFor(secret, t, body).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Webhooks: admins register URLs per survey; every response write enqueues one delivery per matching
 * webhook (a single insert - the response path never waits for anyone's server); `deliverDue` posts
 * them, signed, retrying with backoff for 24 hours.
 */
export function createWebhooksService(deps: {
  models: Models;
  clock: Clock;
  sealer: Sealer;
  logger?: Logger;
  fetchTimeoutMs?: number;
}) {
  const { models, clock, sealer } = deps;
  const workerId = `webhooks-${randomBytes(4).toString('hex')}`;

  async function register(input: {
    surveyId: string;
    url: string;
    events: WebhookEvent[];
    createdBy?: string;
  }): Promise<{ id: string; secret: string }> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw new ValidationError('Enter a full address such as https://example.com/hooks/nps.', {
        url: 'Enter a full address such as https://example.com/hooks/nps.',
      });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new ValidationError('Use an http:// or https:// address.', { url: 'Use an http:// or https:// address.' });
    if (input.events.length === 0)
      throw new ValidationError('Choose at least one event.', { events: 'Choose at least one event.' });
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const doc = await models.webhooks.create({
      surveyId: input.surveyId,
      url: url.toString(),
      events: input.events,
      secretSealed: sealer.seal(secret),
      createdBy: input.createdBy,
      createdAt: clock.now(),
    });
    hooksCache.delete(input.surveyId);
    return { id: String(doc._id), secret };
  }

  async function list(surveyId: string) {
    const docs = await models.webhooks.find({ surveyId, disabledAt: null }).sort({ createdAt: -1 }).lean();
    return docs.map((d) => ({ id: String(d._id), url: d.url, events: d.events, createdAt: d.createdAt }));
  }

  async function remove(surveyId: string, id: string): Promise<void> {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError('That webhook does not exist.', 'WEBHOOK_NOT_FOUND');
    const res = await models.webhooks.updateOne(
      { _id: id, surveyId, disabledAt: null },
      { $set: { disabledAt: clock.now() } },
    );
    hooksCache.delete(surveyId);
    if (res.matchedCount === 0) throw new NotFoundError('That webhook does not exist.', 'WEBHOOK_NOT_FOUND');
  }

  // Each survey's webhooks, remembered for 10 s: most surveys have none, and answers should not pay a
  // query to find that out. A webhook added or removed on another instance takes effect within 10 s.
  const hooksCache = new Map<string, { until: number; hooks: { _id: mongoose.Types.ObjectId; events: string[] }[] }>();
  async function hooksOf(surveyId: mongoose.Types.ObjectId) {
    const key = String(surveyId);
    const now = clock.now().getTime();
    const cached = hooksCache.get(key);
    if (cached && cached.until > now) return cached.hooks;
    const hooks = await models.webhooks.find({ surveyId, disabledAt: null }).select('_id events').lean();
    hooksCache.set(key, { until: now + 10_000, hooks });
    return hooks;
  }

  /** Queues the event for every webhook of the survey that wants it. One insert; nothing is sent here. */
  async function enqueue(
    event: WebhookEvent,
    surveyId: mongoose.Types.ObjectId,
    payload: Record<string, unknown>,
  ): Promise<number> {
    const hooks = await hooksOf(surveyId);
    const now = clock.now();
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
    if (docs.length > 0) await models.webhookDeliveries.insertMany(docs);
    return docs.length;
  }

  /** Claims and posts every delivery that is due, one at a time; returns how many were attempted. */
  async function deliverDue(limit = 100): Promise<number> {
    let attempted = 0;
    // A worker that died mid-post leaves its claim; after 5 minutes the delivery is tried again
    // (delivery is at least once: receivers dedupe by the X-NPS-Delivery id).
    await models.webhookDeliveries.updateMany(
      { status: 'delivering', claimedAt: mongoose.trusted({ $lt: new Date(clock.now().getTime() - 5 * 60_000) }) },
      { $set: { status: 'pending' }, $unset: { claimedBy: 1 } },
    );
    while (attempted < limit) {
      const now = clock.now();
      const delivery = await models.webhookDeliveries
        .findOneAndUpdate(
          { status: 'pending', nextAttemptAt: mongoose.trusted({ $lte: now }) },
          { $set: { status: 'delivering', claimedBy: workerId, claimedAt: now }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        )
        .lean();
      if (!delivery) break;
      attempted++;
      const hook = await models.webhooks.findById(delivery.webhookId).lean();
      const body = JSON.stringify(delivery.payload);
      let statusCode: number | undefined;
      let error: string | undefined;
      if (!hook || hook.disabledAt) {
        error = 'the webhook was removed';
      } else {
        try {
          const timestamp = Math.floor(now.getTime() / 1000);
          const res = await fetch(hook.url, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'User-Agent': 'nps-webhooks/1',
              'X-NPS-Event': delivery.event,
              'X-NPS-Delivery': String(delivery._id),
              [SIGNATURE_HEADER]: signatureFor(sealer.open(hook.secretSealed), timestamp, body),
            },
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(deps.fetchTimeoutMs ?? 10_000),
          });
          statusCode = res.status;
          await res.body?.cancel();
          if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
        }
      }
      const settledAt = clock.now();
      if (!error) {
        await models.webhookDeliveries.updateOne(
          { _id: delivery._id, status: 'delivering', claimedBy: workerId },
          {
            $set: { status: 'delivered', deliveredAt: settledAt, lastStatusCode: statusCode },
            $unset: { lastError: 1, claimedBy: 1 },
          },
        );
        continue;
      }
      const delay = RETRY_DELAYS_MS[Math.min(delivery.attempts - 1, RETRY_DELAYS_MS.length - 1)]!;
      const next = new Date(settledAt.getTime() + delay);
      const giveUp = !hook || Boolean(hook.disabledAt) || next > delivery.giveUpAt;
      await models.webhookDeliveries.updateOne(
        { _id: delivery._id, status: 'delivering', claimedBy: workerId },
        {
          $set: {
            status: giveUp ? 'failed' : 'pending',
            nextAttemptAt: next,
            lastError: error.slice(0, 1000),
            ...(statusCode ? { lastStatusCode: statusCode } : {}),
          },
          $unset: { claimedBy: 1 },
        },
      );
      deps.logger?.warn({ delivery: String(delivery._id), error, giveUp }, 'webhook delivery failed');
    }
    return attempted;
  }

  async function deliveries(surveyId: string) {
    const docs = await models.webhookDeliveries.find({ surveyId }).sort({ createdAt: -1 }).limit(100).lean();
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

  return { register, list, remove, enqueue, deliverDue, deliveries };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
