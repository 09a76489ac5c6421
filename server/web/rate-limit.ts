import type { Request, Response } from 'express';
import {
  rateLimit,
  type ClientRateLimitInfo,
  type Options,
  type RateLimitRequestHandler,
  type Store,
} from 'express-rate-limit';
import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import { isDuplicateKeyError } from '../lib/errors.js';
import type { RateLimitModel } from './rate-limit.model.js';

/**
 * An express-rate-limit Store kept in MongoDB, so every app instance behind a load balancer counts
 * against the same limit. Each window is one document; increments are atomic ($inc), and an expired
 * window is replaced atomically, so correctness never depends on the TTL index.
 * Operator filters are wrapped in mongoose.trusted(): sanitizeFilter is on globally (server/db/connect.ts).
 */
export class MongoRateLimitStore implements Store {
  private windowMs = 60_000;

  constructor(
    private readonly counters: RateLimitModel,
    private readonly keyPrefix: string,
    private readonly clock: Clock,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const doc = await this.counters
      .findOne({ _id: this.id(key), resetAt: mongoose.trusted({ $gt: this.clock.now() }) })
      .lean();
    return doc ? { totalHits: doc.hits, resetTime: doc.resetAt } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const id = this.id(key);
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = this.clock.now();
      const current = await this.counters
        .findOneAndUpdate(
          { _id: id, resetAt: mongoose.trusted({ $gt: now }) },
          { $inc: { hits: 1 } },
          { returnDocument: 'after' },
        )
        .lean();
      if (current) return { totalHits: current.hits, resetTime: current.resetAt };
      try {
        // No live window: start one. The filter only matches a missing or expired window; if another
        // instance started one meanwhile, the upsert collides on _id and we loop to increment it.
        const resetAt = new Date(now.getTime() + this.windowMs);
        const fresh = await this.counters
          .findOneAndUpdate(
            { _id: id, resetAt: mongoose.trusted({ $lte: now }) },
            { $set: { hits: 1, resetAt } },
            { upsert: true, returnDocument: 'after' },
          )
          .lean();
        if (fresh) return { totalHits: fresh.hits, resetTime: fresh.resetAt };
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
    }
    throw new Error(`rate limit counter ${id} kept changing under us`);
  }

  async decrement(key: string): Promise<void> {
    await this.counters.updateOne(
      { _id: this.id(key), resetAt: mongoose.trusted({ $gt: this.clock.now() }), hits: mongoose.trusted({ $gt: 0 }) },
      { $inc: { hits: -1 } },
    );
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.deleteOne({ _id: this.id(key) });
  }

  private id(key: string): string {
    return `${this.keyPrefix}:${key}`;
  }
}

type LimitOptions = { counters: RateLimitModel; clock: Clock; max: number };

/** `max` failed attempts in 15 minutes, then 429 with a page saying when to try again; successes do not count. */
function failureLimit(
  options: LimitOptions,
  how: { prefix: string; failed: (res: Response) => boolean; keyGenerator?: (req: Request) => string },
): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 15 * 60_000,
    limit: options.max,
    ...(how.keyGenerator ? { keyGenerator: how.keyGenerator } : {}),
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => !how.failed(res),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new MongoRateLimitStore(options.counters, how.prefix, options.clock),
    handler: (_req, res, _next, opts) => {
      res.status(opts.statusCode).render('errors/429', {
        title: 'Too many attempts',
        retryMinutes: Math.ceil(opts.windowMs / 60_000),
      });
    },
  });
}

/**
 * Failed sign-ins per client address: after `max` failures in 15 minutes the next attempt gets 429.
 * Successful sign-ins do not count. The client address honours the explicit TRUST_PROXY setting.
 */
export function loginRateLimit(options: LimitOptions): RateLimitRequestHandler {
  return failureLimit(options, { prefix: 'login', failed: (res) => res.statusCode >= 400 });
}

/**
 * Wrong current passwords on the password-change form, per signed-in user: the same wall as sign-in,
 * so a stolen session cannot be used to guess the password. Only a refused current password counts
 * (the route sets `res.locals.credentialsRefused`).
 */
export function passwordCheckRateLimit(options: LimitOptions): RateLimitRequestHandler {
  return failureLimit(options, {
    prefix: 'password-check',
    failed: (res) => res.locals.credentialsRefused === true,
    keyGenerator: (req) => req.user?.id ?? 'anonymous',
  });
}

/**
 * Unknown or malformed tokens tried on survey and unsubscribe links, per client address: a wall for
 * anyone guessing tokens, invisible to customers. Routers call it only where a token was not found
 * (so a working link costs no counter write) and it answers 429 instead of 404 past the limit.
 * Counted in MongoDB, shared by all instances.
 */
export function tokenRateLimit(options: {
  counters: RateLimitModel;
  clock: Clock;
  perMinute?: number;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: options.perMinute ?? 30,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new MongoRateLimitStore(options.counters, 'token', options.clock),
    handler: (_req, res) => {
      res.status(429).render('errors/429-public', { layout: 'public', title: 'Too many requests' });
    },
  });
}

/** Answers through a survey's anonymous web link, per client address per hour. */
export function webLinkRateLimit(options: {
  counters: RateLimitModel;
  clock: Clock;
  perHour: number;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 60 * 60_000,
    limit: options.perHour,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new MongoRateLimitStore(options.counters, 'weblink', options.clock),
    handler: (_req, res) => {
      res.status(429).render('errors/429-public', { layout: 'public', title: 'Too many answers', webLink: true });
    },
  });
}
