/** What the webhooks domain tells people, in one place (ready for translation). */
export const messages = {
  notFound: 'That webhook does not exist.',
  fullAddress: 'Enter a full address such as https://example.com/hooks/nps.',
  httpOnly: 'Use an http:// or https:// address.',
  refusedAddress: (why: string) =>
    `That address cannot receive webhooks: ${why} Receivers on an internal network need OUTBOUND_ALLOW_PRIVATE_HOSTS=true (see the README).`,
  chooseEvent: 'Choose at least one event.',
  removed: 'the webhook was removed',
  removedFlash: 'Webhook removed: it gets no more events.',
};
