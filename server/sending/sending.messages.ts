/** What the sending domain tells people, in one place (ready for translation). */
export const messages = {
  queueingInProgress: 'This survey is already being queued by someone else. Wait a moment and look at its progress.',
  queueingFailed: 'Queueing stopped because of an error on our side; ask an admin to look at the logs.',
  notInOutbox: 'That message is not in the outbox.',
  logoGone: 'That logo is no longer stored (it was replaced or removed).',
  testSendFailed: (detail: string) =>
    `The test email could not be sent: ${detail}. Check SMTP_URL and the mail server.`,
  pausedAfterFailures: (streak: number, lastError: string) =>
    `Sending paused after ${streak} failed attempts in a row. Last error: ${lastError}`.slice(0, 1000),
  sendingStarted:
    'Sending has started: invitations are created and sent in the background. The counts below update as they go out.',
};
