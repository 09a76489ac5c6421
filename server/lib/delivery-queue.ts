import mongoose from 'mongoose';

import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { maskUrlCredentials, type OutboundFetch } from './outbound-http.js';

/** Retry delays after each failed attempt; after `giveUpAt` (24 h from the event) the delivery fails. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000];
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;
/** A claim older than this belongs to a worker that died mid-post: the delivery is tried again. */
const STALE_CLAIM_MS = 5 * 60_000;

export const DELIVERY_STATUSES = ['pending', 'delivering', 'delivered', 'failed'] as const;

/** The schema fields the queue moves, for each domain's delivery schema to spread in. */
export const QUEUED_DELIVERY_FIELDS = {
  status: { type: String, enum: DELIVERY_STATUSES, required: true, default: 'pending' },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, required: true },
  giveUpAt: { type: Date, required: true },
  claimedBy: { type: String },
  claimedAt: { type: Date },
  lastStatusCode: { type: Number },
  lastError: { type: String, maxlength: 1000 },
  createdAt: { type: Date, required: true },
  deliveredAt: { type: Date },
} as const;

/** The fields every durable HTTP delivery has (webhook events, chat posts). */
export interface QueuedDelivery {
  _id: mongoose.Types.ObjectId;
  attempts: number;
  giveUpAt: Date;
}

/** What one post came to: no error is success; `giveUp` ends the delivery at once (its target is gone). */
export interface PostOutcome {
  statusCode?: number | undefined;
  error?: string | undefined;
  giveUp?: boolean | undefined;
}

/** The fields of a new delivery that the queue owns: pending now, given up 24 h later. */
export function pendingFields(now: Date) {
  return {
    status: 'pending' as const,
    attempts: 0,
    nextAttemptAt: now,
    giveUpAt: new Date(now.getTime() + GIVE_UP_AFTER_MS),
    createdAt: now,
  };
}

/**
 * The durable worker path for outgoing HTTP: deliveries are documents moving pending -> delivering ->
 * delivered | pending (retry with backoff) | failed, each move one atomic update whose filter names the
 * previous state and this worker's claim. At least once: a worker that dies mid-post leaves a claim
 * that is taken back after 5 minutes, so receivers see an id they can dedupe by. Any number of workers
 * can run it at once. The owning domain's store gives the model; only this queue moves the status.
 */
export class DeliveryQueue<D extends QueuedDelivery> {
  constructor(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each domain's own delivery model
    private readonly model: mongoose.Model<any>,
    private readonly deps: { clock: Clock; workerId: string; logger?: Logger | undefined; what: string },
  ) {}

  /** Claims and posts every due delivery, one at a time; returns how many were attempted. */
  async runDue(post: (delivery: D, now: Date) => Promise<PostOutcome>, limit = 100): Promise<number> {
    const { clock, workerId } = this.deps;
    const stale = new Date(clock.now().getTime() - STALE_CLAIM_MS);
    await this.model.updateMany(
      { status: 'delivering', claimedAt: mongoose.trusted({ $lt: stale }) },
      { $set: { status: 'pending' }, $unset: { claimedBy: 1 } },
    );
    let attempted = 0;
    while (attempted < limit) {
      const now = clock.now();
      const delivery = (await this.model
        .findOneAndUpdate(
          { status: 'pending', nextAttemptAt: mongoose.trusted({ $lte: now }) },
          { $set: { status: 'delivering', claimedBy: workerId, claimedAt: now }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        )
        .lean()) as D | null;
      if (!delivery) break;
      attempted++;
      let outcome: PostOutcome;
      try {
        outcome = await post(delivery, now);
      } catch (err) {
        outcome = { error: errorText(err) };
      }
      await this.settle(delivery, outcome);
    }
    return attempted;
  }

  private async settle(delivery: D, outcome: PostOutcome): Promise<void> {
    const mine = { _id: delivery._id, status: 'delivering', claimedBy: this.deps.workerId };
    const settledAt = this.deps.clock.now();
    if (!outcome.error) {
      await this.model.updateOne(mine, {
        $set: { status: 'delivered', deliveredAt: settledAt, lastStatusCode: outcome.statusCode },
        $unset: { lastError: 1, claimedBy: 1 },
      });
      return;
    }
    const delay = RETRY_DELAYS_MS[Math.min(delivery.attempts - 1, RETRY_DELAYS_MS.length - 1)]!;
    const next = new Date(settledAt.getTime() + delay);
    const giveUp = outcome.giveUp === true || next > delivery.giveUpAt;
    const set = {
      status: giveUp ? 'failed' : 'pending',
      nextAttemptAt: next,
      lastError: outcome.error.slice(0, 1000),
      ...(outcome.statusCode ? { lastStatusCode: outcome.statusCode } : {}),
    };
    await this.model.updateOne(mine, { $set: set, $unset: { claimedBy: 1 } });
    this.deps.logger?.warn(
      { delivery: String(delivery._id), error: outcome.error, giveUp },
      `${this.deps.what} delivery failed`,
    );
  }
}

/**
 * Posts a JSON body through the outbound guard and says how it went: 2xx is delivered; a redirect is
 * an error (never followed, so it cannot lead to a refused address); any other status or a network
 * error is retried. The response body is discarded.
 */
export async function postJson(
  fetch: OutboundFetch,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<PostOutcome> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    await res.body?.cancel();
    if (res.status >= 300 && res.status < 400)
      return { statusCode: res.status, error: `HTTP ${res.status}: redirects are not followed` };
    if (res.status < 200 || res.status >= 300) return { statusCode: res.status, error: `HTTP ${res.status}` };
    return { statusCode: res.status };
  } catch (err) {
    return { error: errorText(err) };
  }
}

/** What a failed post says in a delivery log: the guard's refusal or the network error, never a URL's credentials. */
export function errorText(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const message = cause
    ? `${(err as Error).message}: ${cause.message}`
    : err instanceof Error
      ? err.message
      : String(err);
  return maskUrlCredentials(message);
}
