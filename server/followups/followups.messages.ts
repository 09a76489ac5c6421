/** What the follow-ups domain tells people when something cannot be done, in one place (ready for translation). */
export const messages = {
  notFound: 'That follow-up does not exist.',
  chooseOwner: 'Choose a manager or admin from the list.',
  changedMeanwhile: 'The case changed meanwhile (someone may have closed or reopened it). Look at it again.',
  noContact: 'This answer came without a known contact (web link or deleted), so there is nobody to reply to.',
  done: {
    assign: 'Owner changed.',
    note: 'Note added.',
    start: 'Marked in progress.',
    close: 'Case closed.',
    reopen: 'Case reopened.',
  },
  replySent: (to: string, toOutbox: boolean) =>
    `Reply sent to ${to}${toOutbox ? ' (stored in the Outbox: no SMTP server is configured)' : ''}. It is logged in the notes.`,
  replyFailed: (reason: string) => `The reply could not be sent: ${reason}. Check SMTP_URL and try again.`,
};
