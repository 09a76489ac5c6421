import { createTransport } from 'nodemailer';

export interface OutgoingMessage {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
  /** Inline images referenced from the HTML as cid:<cid> (the survey's logo). */
  attachments?: { filename: string; content: Buffer; contentType: string; cid: string; contentDisposition: 'inline' }[];
}

/**
 * Our own headers (List-Unsubscribe, List-Id, ...) as Nodemailer should send them: exactly as built,
 * ASCII and free of line breaks by construction. Left to Nodemailer, a value with quotes or commas is
 * turned into one encoded word, and the <list-id> inside it can no longer be parsed.
 */
export function preparedHeaders(headers: Record<string, string>): Record<string, { prepared: true; value: string }> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [key, { prepared: true, value: value.replace(/[\r\n]+/g, ' ') }]),
  );
}

/**
 * Why a send did not succeed, which decides what happens to the invitation:
 * - transient: the server said "try later" (4xx) or we could not reach it; retried with backoff;
 * - permanent: the server refused the recipient or message (5xx); the invitation fails and the
 *   address is suppressed;
 * - uncertain: the connection broke after the message was handed over, so it may have been
 *   delivered; never retried automatically (a duplicate survey is worse than a missing one).
 */
export type FailureKind = 'transient' | 'permanent' | 'uncertain';

export class DeliveryError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A mailer error as DeliveryError; anything unexpected while handing over the message is uncertain. */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  return new DeliveryError('uncertain', err instanceof Error ? err.message : String(err));
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  /** Resolves when the server accepted the message; throws DeliveryError otherwise. */
  send(message: OutgoingMessage): Promise<void>;
  close(): Promise<void>;
}

interface NodemailerError {
  responseCode?: number;
  code?: string;
  command?: string;
  response?: string;
  message?: string;
}

/** Sorts a Nodemailer error into transient / permanent / uncertain (see FailureKind). */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = (err ?? {}) as NodemailerError;
  const detail = (e.response ?? e.message ?? String(err)).slice(0, 500);
  if (typeof e.responseCode === 'number') {
    // A 5xx to the recipient or the message is final for this address; a 5xx elsewhere (bad sender,
    // refused login) is our configuration, not the customer's address: retry, and let the failure
    // streak pause the survey if it persists.
    const aboutRecipient =
      e.command === undefined || /^(RCPT|DATA)/i.test(e.command) || e.code === 'EENVELOPE' || e.code === 'EMESSAGE';
    if (e.responseCode >= 500 && aboutRecipient && e.code !== 'EAUTH') return new DeliveryError('permanent', detail);
    return new DeliveryError('transient', detail);
  }
  if (e.command && /^DATA/i.test(e.command) && e.code !== 'ECONNECTION') return new DeliveryError('uncertain', detail);
  return new DeliveryError('transient', detail);
}

/** SMTP through a Nodemailer pool: a few long-lived connections and an optional messages-per-second cap. */
export function createSmtpMailer(options: { url: string; maxConnections: number; ratePerSecond: number }): Mailer {
  const transport = createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: 1000,
    ...(options.ratePerSecond > 0 ? { rateDelta: 1000, rateLimit: options.ratePerSecond } : {}),
  });
  return {
    kind: 'smtp',
    async send(message) {
      try {
        await transport.sendMail({ ...message, headers: preparedHeaders(message.headers) });
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    close() {
      transport.close();
      return Promise.resolve();
    },
  };
}
