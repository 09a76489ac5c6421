/** What the reports domain tells people, in one place (ready for translation). */
export const messages = {
  notFound: 'That report does not exist.',
  noSurvey: 'That survey does not exist (any more): choose one from the list.',
  noRecipients: 'Choose at least one user or enter at least one address to send the report to.',
  uncertain: 'the worker stopped while sending this email; it may or may not have arrived, so it is not sent again',
  created: 'Report saved. Use "Send now to me" to see what it looks like.',
  removed: 'Report deleted: it is not sent any more.',
  sentToYou: (email: string) => `The report was sent to ${email}.`,
};
