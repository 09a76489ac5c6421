/** Signals that a submission came from a machine, and the thresholds that decide it (server/responses/README.md). */

/** Thresholds for "looks automated". */
export interface BotThresholds {
  /** A form sent back sooner than this after the page was served was not read by a person. */
  minSecondsOnPage: number;
  /** A page opened sooner than this after we handed the email to the mail server was opened by a machine. */
  minSecondsToClick: number;
}

export const DEFAULT_BOT_THRESHOLDS: BotThresholds = { minSecondsOnPage: 2, minSecondsToClick: 5 };

export interface BotSignals {
  secondsToFirstClick?: number | undefined;
  secondsOnPage?: number | undefined;
  honeypot: boolean;
}

export type AutomationReason = 'honeypot' | 'fast_submit' | 'instant_click';

export const AUTOMATION_REASON_LABELS: Record<AutomationReason, string> = {
  honeypot: 'Followed the hidden link no person can see',
  fast_submit: 'Sent the form faster than a person can read it',
  instant_click: 'Opened the link within seconds of delivery',
};

/** Milliseconds as seconds with one decimal, as the signals are stored. */
export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Why a submission looks automated; empty when it looks like a person. Pure, so it is tested exhaustively. */
export function automationReasons(signals: BotSignals, policy: BotThresholds): AutomationReason[] {
  const reasons: AutomationReason[] = [];
  if (signals.honeypot) reasons.push('honeypot');
  if (signals.secondsOnPage !== undefined && signals.secondsOnPage < policy.minSecondsOnPage)
    reasons.push('fast_submit');
  if (signals.secondsToFirstClick !== undefined && signals.secondsToFirstClick < policy.minSecondsToClick)
    reasons.push('instant_click');
  return reasons;
}

/**
 * The signals of an emailed answer: seconds from delivery to the page the form came from (so a
 * scanner's early click does not taint the person's own later page), seconds on that page, and whether
 * this client fetched the hidden honeypot link.
 */
export function emailSignals(input: {
  sentAt?: Date | null;
  servedAt: number;
  now: Date;
  honeypotClients?: readonly string[] | null;
  clientKey: string;
}): BotSignals {
  return {
    secondsToFirstClick: input.sentAt ? seconds(input.servedAt - input.sentAt.getTime()) : undefined,
    secondsOnPage: seconds(input.now.getTime() - input.servedAt),
    honeypot: (input.honeypotClients ?? []).includes(input.clientKey),
  };
}
