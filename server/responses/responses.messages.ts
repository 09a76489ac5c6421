/** What the responses domain tells people when something cannot be done, in one place (ready for translation). */
export const messages = {
  notFound: 'That response does not exist.',
};
