/**
 * The answers a response can carry and how every figure reads them (PRODUCT.md "Definitions"). One
 * home for these words: the model, the figures, the pages, the export and the API all import them.
 */

export const NPS_CATEGORIES = ['promoter', 'passive', 'detractor'] as const;
export type NpsCategory = (typeof NPS_CATEGORIES)[number];

/** Promoter 9-10, passive 7-8, detractor 0-6 (PRODUCT.md). */
export function categoryOf(score: number): NpsCategory {
  if (!Number.isInteger(score) || score < 0 || score > 10)
    throw new RangeError(`score must be an integer 0-10, got ${score}`);
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

export const CATEGORY_LABELS: Record<NpsCategory, string> = {
  promoter: 'Promoters (9-10)',
  passive: 'Passives (7-8)',
  detractor: 'Detractors (0-6)',
};

export const REPURCHASE_ANSWERS = [
  'definitely_would',
  'probably_would',
  'not_sure',
  'probably_would_not',
  'definitely_would_not',
] as const;
export type RepurchaseAnswer = (typeof REPURCHASE_ANSWERS)[number];

/** How the five answers read on managers' pages, in the export and in alerts (customers see their language's). */
export const REPURCHASE_LABELS: Record<RepurchaseAnswer, string> = {
  definitely_would: 'Definitely would',
  probably_would: 'Probably would',
  not_sure: 'Not sure',
  probably_would_not: 'Probably would not',
  definitely_would_not: 'Definitely would not',
};

/** Top-2-box: the share answering "definitely" or "probably would" (PRODUCT.md). */
export const TOP_2_BOX: readonly RepurchaseAnswer[] = ['definitely_would', 'probably_would'];
/** The answers that say "would not buy again" (the optional follow-up rule). */
export const WOULD_NOT: readonly RepurchaseAnswer[] = ['probably_would_not', 'definitely_would_not'];

export const RESPONSE_CHANNELS = ['email', 'link', 'api'] as const;
export type ResponseChannel = (typeof RESPONSE_CHANNELS)[number];

/**
 * none: a person's answer; flagged: looks automated, kept but never counted until a manager decides;
 * accepted: a flagged answer a manager accepted; discarded: kept, never counted.
 */
export const REVIEW_STATES = ['none', 'flagged', 'accepted', 'discarded'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

/** Responses that count in every figure (and belong to the customer): not flagged, or accepted by a manager. */
export const COUNTED_REVIEW_STATES: readonly ReviewState[] = ['none', 'accepted'];

export function isCounted(review: string): boolean {
  return (COUNTED_REVIEW_STATES as readonly string[]).includes(review);
}
