/** The bare address from a From header ("NPS <s@x>" -> "s@x"). */
export function addressOf(mailFrom: string): string {
  return /<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom;
}

/**
 * The From of an email a survey sends to its customer outside the survey email itself (a follow-up
 * reply, an automatic reply): the survey's sender name (or company name) with MAIL_FROM's address.
 */
export function surveySender(
  survey: { senderName?: string | null; companyName?: string | null } | null | undefined,
  mailFrom: string,
): string {
  const name = (survey?.senderName || survey?.companyName || '').replace(/["\\\r\n]/g, '');
  return name ? `"${name}" <${addressOf(mailFrom)}>` : addressOf(mailFrom);
}
