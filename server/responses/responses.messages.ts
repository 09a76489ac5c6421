/** What the responses domain tells people, in one place (ready for translation). */
export const messages = {
  notFound: 'That response does not exist.',
  reviewDecided: 'That response is no longer waiting for review (someone may have decided already).',
  tagRemoved: (tag: string, untagged: number) =>
    `Tag "${tag}" removed from the list and from ${untagged} ${untagged === 1 ? 'answer' : 'answers'}.`,
};
