/** The `data` of a response event: what an integration needs, no more (no bot signals, no token). */
export function webhookPayloadOf(doc: Record<string, unknown>): Record<string, unknown> {
  const snapshot = doc.contactSnapshot;
  return {
    id: String(doc._id),
    surveyId: String(doc.surveyId),
    contactId: doc.contactId instanceof Object && 'toHexString' in doc.contactId ? (doc.contactId as { toHexString(): string }).toHexString() : null,
    score: doc.score,
    category: doc.category,
    repurchase: doc.repurchase ?? null,
    comment: doc.comment ?? '',
    channel: doc.channel,
    submittedAt: doc.submittedAt,
    properties: snapshot instanceof Map ? Object.fromEntries(snapshot as Map<string, string>) : (snapshot ?? {}),
  };
}
