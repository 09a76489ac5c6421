/**
 * Who may be surveyed now: one pure decision for the send page (and the API's invitations),
 * autopilot schedules and event triggers, and the send worker's last check before an email goes out.
 * server/sending/README.md explains each reason.
 */

export const SKIP_REASONS = [
  'unsubscribed',
  'suppressed',
  'recently_surveyed',
  'already_invited',
  'not_sampled',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** How each reason reads on a page. */
export const SKIP_LABELS: Record<SkipReason, string> = {
  unsubscribed: 'unsubscribed',
  suppressed: 'address suppressed after a bounce',
  recently_surveyed: 'surveyed recently (throttle)',
  already_invited: 'already invited to this survey',
  not_sampled: 'not in the random sample',
};

export type Eligibility = { kind: 'invite' } | { kind: 'skip'; reason: SkipReason } | { kind: 'hold'; until: Date };

/** What the decision needs to know about the contact. */
export interface ContactFacts {
  unsubscribedAt?: Date | null | undefined;
  suppressedAt?: Date | null | undefined;
  /** When any survey last reached them, or is scheduled to (a trigger's future send). */
  lastSurveyedAt?: Date | null | undefined;
}

export interface EligibilityRules {
  now: Date;
  /** Nobody is surveyed again within this many days of their last survey, by any survey; 0: no throttle. */
  throttleDays: number;
  /** A one-off send or a trigger skips a throttled contact; a schedule holds them until the throttle ends. */
  whenThrottled: 'skip' | 'hold';
  /** The send page and the API invite a contact once per survey. */
  alreadyInvited?: boolean;
  /** Autopilot's per-cycle sample; leave it out where the sample is drawn afterwards (the send page). */
  inSample?: boolean;
}

const DAY_MS = 86_400_000;

/** Until when the throttle holds a contact back; undefined when it does not. */
export function throttledUntil(
  lastSurveyedAt: Date | null | undefined,
  throttleDays: number,
  now: Date,
): Date | undefined {
  if (!lastSurveyedAt || throttleDays <= 0) return undefined;
  const until = new Date(lastSurveyedAt.getTime() + throttleDays * DAY_MS);
  return until > now ? until : undefined;
}

/**
 * Invite, skip (with the reason) or hold (until a date). In this order: unsubscribed, suppressed,
 * already invited, the throttle, the sample - the first that applies is the reason recorded.
 */
export function eligibility(contact: ContactFacts, rules: EligibilityRules): Eligibility {
  if (contact.unsubscribedAt) return { kind: 'skip', reason: 'unsubscribed' };
  if (contact.suppressedAt) return { kind: 'skip', reason: 'suppressed' };
  if (rules.alreadyInvited) return { kind: 'skip', reason: 'already_invited' };
  const until = throttledUntil(contact.lastSurveyedAt, rules.throttleDays, rules.now);
  if (until)
    return rules.whenThrottled === 'hold' ? { kind: 'hold', until } : { kind: 'skip', reason: 'recently_surveyed' };
  if (rules.inSample === false) return { kind: 'skip', reason: 'not_sampled' };
  return { kind: 'invite' };
}

/**
 * Whether an email may go to the contact at all, checked again by the send worker right before it
 * sends (the contact may have unsubscribed or been deleted since the invitation was queued).
 */
export function deliveryBlock(contact: ContactFacts | null | undefined): string | undefined {
  if (!contact) return 'contact deleted';
  if (contact.unsubscribedAt) return 'contact unsubscribed';
  if (contact.suppressedAt) return 'address suppressed';
  return undefined;
}
