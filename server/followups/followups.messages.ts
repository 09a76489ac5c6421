/** What the follow-ups domain tells people when something cannot be done, in one place (ready for translation). */
export const messages = {
  notFound: 'That follow-up does not exist.',
  chooseOwner: 'Choose a manager or admin from the list.',
  changedMeanwhile: 'The case changed meanwhile (someone may have closed or reopened it). Look at it again.',
  noContact: 'This answer came without a known contact (web link or deleted), so there is nobody to reply to.',
};
