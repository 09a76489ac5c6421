import { randomInt } from 'node:crypto';
import type mongoose from 'mongoose';

import { SKIP_REASONS, type SkipReason } from './eligibility.js';

/** Who a send goes to: the send page's filters and sample, or the API's explicit list. */
export interface AudienceOptions {
  /** Contacts whose property `key` equals `value`, all of them (AND). */
  filters: { key: string; value: string }[];
  /** Optional random sample of the eligible contacts: a percentage or a number. */
  sample?: { percent: number } | { count: number };
  /** Skip anyone surveyed (by any survey) in the last N days; 0: no throttle. */
  throttleDays: number;
  /** Only these contacts (the API's explicit list), still subject to the same skip rules. */
  contactIds?: mongoose.Types.ObjectId[];
}

/** What queueing does (or would do): how many match, may be invited, will be, and the skips by reason. */
export interface AudiencePlan {
  matching: number;
  eligible: number;
  toQueue: number;
  skipped: Record<SkipReason, number>;
}

export function emptySkips(): Record<SkipReason, number> {
  return Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
}

/** Picks `count` of `items` uniformly at random (partial Fisher-Yates with a CSPRNG). */
export function sampleOf<T>(items: readonly T[], count: number): T[] {
  const pool = items.slice();
  const n = Math.min(count, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(pool.length - i);
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n);
}

/** How many of `eligible` a sample setting picks. */
export function sampleSize(eligible: number, sample: NonNullable<AudienceOptions['sample']>): number {
  return 'percent' in sample ? Math.round((eligible * sample.percent) / 100) : sample.count;
}

/** The contact filter for an audience (property values are validated plain strings). */
export function contactFilterOf(options: AudienceOptions): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const { key, value } of options.filters) filter[`properties.${key}`] = value;
  if (options.contactIds) filter._id = { $in: options.contactIds };
  return filter;
}

/** A stored queueing request's options, back as AudienceOptions. */
export function audienceOfRun(o: {
  filters?: { key?: string | null; value?: string | null }[] | null;
  throttleDays: number;
  samplePercent?: number | null;
  sampleCount?: number | null;
}): AudienceOptions {
  const sample =
    typeof o.samplePercent === 'number'
      ? { percent: o.samplePercent }
      : typeof o.sampleCount === 'number'
        ? { count: o.sampleCount }
        : undefined;
  return {
    filters: (o.filters ?? []).map((f) => ({ key: f.key ?? '', value: f.value ?? '' })),
    throttleDays: o.throttleDays,
    ...(sample ? { sample } : {}),
  };
}

/** AudienceOptions as a queueing request stores them. */
export function runOptionsOf(options: AudienceOptions) {
  return {
    filters: options.filters,
    throttleDays: options.throttleDays,
    ...(options.sample && 'percent' in options.sample ? { samplePercent: options.sample.percent } : {}),
    ...(options.sample && 'count' in options.sample ? { sampleCount: options.sample.count } : {}),
  };
}
