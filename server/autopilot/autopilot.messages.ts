/** What the autopilot domain tells people, in one place (ready for translation). */
export const messages = {
  closed: 'This survey is closed; it can no longer run on a schedule.',
  saved: 'Autopilot saved. Workers queue what is due every minute; the forecast below shows the next 7 days.',
  off: 'Autopilot is off: nothing more is scheduled.',
};
