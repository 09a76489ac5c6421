/** What the surveys domain tells people when something cannot be done, in one place (ready for translation). */
export const messages = {
  notFound: 'That survey does not exist. It may have been deleted.',
  closed: 'This survey is closed and can no longer be changed.',
  invalidStatusChange: (status: string, verb: string) => `The survey is ${status}, so it cannot be ${verb} now.`,
  closedNoWebLink: 'This survey is closed; it takes no more answers, so it cannot get a web link.',
  notActive: (status: string) => `The survey is ${status}; activate it before sending.`,
  created: (name: string) => `Survey "${name}" created as a draft. Check its wording below.`,
  saved: 'Survey saved.',
  questionsSaved: 'Questions saved.',
  questionsChanged: 'Someone else changed the questions meanwhile. Reload the page and make your change again.',
  followUpOffScale: (min: number, max: number) => `Choose a score from ${min} to ${max}: this survey's scale.`,
  webLinkOn: 'Web link on: share the address below.',
  webLinkOff: 'Web link off: its address no longer takes answers.',
  statusChanged: {
    activate: 'The survey is active.',
    pause: 'The survey is paused.',
    resume: 'The survey is active again.',
    close: 'The survey is closed.',
  },
};
