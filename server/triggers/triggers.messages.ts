/** What event triggers tell callers, in one place (ready for translation). */
export const messages = {
  inProgress: 'A request with this idempotency key is being handled right now; retry in a few seconds.',
  keyReused: (key: string) =>
    `The idempotency key "${key}" was already used for a different request to this survey. Use a new key for a new event.`,
  notActive: (status: string) =>
    `The survey is ${status}; triggers are taken for active (or paused) surveys. Activate it first.`,
  unsubscribed: 'The contact has unsubscribed from survey email.',
  suppressed: 'Email to this address bounced or was refused, so it is suppressed.',
  recentlySurveyed: (on: Date, days: number) =>
    `A survey reached (or is scheduled to reach) this contact on ${on.toISOString()}, within the ${days}-day throttle.`,
  scheduled: (sendAt: Date) => `Scheduled for ${sendAt.toISOString()}.`,
  queuedNow: 'Queued; it goes out with the next send.',
};
