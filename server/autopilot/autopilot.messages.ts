/** What the autopilot domain tells people when something cannot be done, in one place (ready for translation). */
export const messages = {
  closed: 'This survey is closed; it can no longer run on a schedule.',
};
