/** What the notifications domain tells people, in one place (ready for translation). */
export const messages = {
  notFound: 'That chat destination does not exist.',
  fullAddress: 'Paste the full webhook address, such as https://hooks.slack.com/services/...',
  refusedAddress: (why: string) =>
    `That address cannot receive messages: ${why} Chat servers on an internal network need OUTBOUND_ALLOW_PRIVATE_HOSTS=true (see the README).`,
  removed: 'the destination was removed',
  switchedOff: 'the destination is switched off',
  switchedOffReason: (error: string) =>
    `Switched off after 24 hours in which no message arrived. Last error: ${error}. Check the webhook in the chat service, then turn it back on.`,
  added: 'Destination added. Send a test message to check it.',
  removedFlash: 'Destination removed: it gets no more messages.',
  turnedOn: 'Destination turned back on.',
  testSent: 'Test message delivered.',
  testFailed: (error: string) => `The test message did not arrive: ${error}`,
};
