import { createServices, type Services } from '../../server/boot/services.js';
import type { Clock } from '../../server/lib/clock.js';
import type { TestContext } from './context.js';

/**
 * The services a second process on the same database would have: another clock (a worker whose
 * clock is ahead), or another TOKEN_SECRET (processes started with their own environment).
 */
export function servicesOf(ctx: TestContext, overrides: { clock?: Clock; tokenSecret?: string } = {}): Services {
  const config = overrides.tokenSecret ? { ...ctx.config, tokenSecret: overrides.tokenSecret } : ctx.config;
  return createServices({ config, logger: ctx.logger, models: ctx.models, clock: overrides.clock ?? ctx.clock });
}
