import type { Config } from '../config.js';
import { createSealer, type Sealer } from '../lib/seal.js';

/**
 * The keys the app seals with, one per purpose, all derived from TOKEN_SECRET: the same in every app
 * and worker process, so a link token sealed by one is opened by another.
 */
export function sealersOf(config: Pick<Config, 'tokenSecret'>): {
  linkToken: Sealer;
  pageStamp: Sealer;
  webhookSecret: Sealer;
  chatUrl: Sealer;
} {
  return {
    linkToken: linkTokenSealer(config),
    pageStamp: createSealer(config.tokenSecret, 'page-stamp'),
    webhookSecret: createSealer(config.tokenSecret, 'webhook-secret'),
    chatUrl: createSealer(config.tokenSecret, 'chat-webhook-url'),
  };
}

/** The sealer for survey link tokens (queued by the web app, opened by send workers). */
export function linkTokenSealer(config: Pick<Config, 'tokenSecret'>): Sealer {
  return createSealer(config.tokenSecret, 'link-token');
}
