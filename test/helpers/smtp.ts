import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

import { createSmtpMailer, type Mailer } from '../../server/sending/mailer.js';

export interface ReceivedMail {
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

export interface TestSmtp {
  url: string;
  received: ReceivedMail[];
  /** Decides per recipient: undefined to accept, or an SMTP error (code + message) to refuse RCPT TO. */
  onRecipient: (address: string) => { code: number; message: string } | undefined;
  /** While true, message bodies are read but not answered: the sender waits, as with a stalled server. */
  hold: boolean;
  /** How many message bodies arrived while held (never answered). */
  held: number;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on a loopback port (a free one unless given) that keeps and parses what it accepts. */
export async function startTestSmtp(port = 0): Promise<TestSmtp> {
  const state: TestSmtp = {
    url: '',
    received: [],
    onRecipient: () => undefined,
    hold: false,
    held: 0,
    close: () => Promise.resolve(),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = state.onRecipient(address.address);
      if (!refusal) return callback();
      const err = new Error(refusal.message) as Error & { responseCode: number };
      err.responseCode = refusal.code;
      callback(err);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (state.hold) {
          state.held++;
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            state.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, parsed });
            callback();
          })
          .catch((err: Error) => callback(err));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address();
  state.url = `smtp://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/**
 * A real SMTP server and a pooled SMTP mailer to it for each test of the describe block that calls
 * this (started before each test, closed after): `mail.smtp.received`, `mail.mailer`.
 */
export function useSmtpMailer(): { smtp: TestSmtp; mailer: Mailer } {
  const mail = {} as { smtp: TestSmtp; mailer: Mailer };
  beforeEach(async () => {
    mail.smtp = await startTestSmtp();
    mail.mailer = createSmtpMailer({ url: mail.smtp.url, maxConnections: 1, ratePerSecond: 0 });
  });
  afterEach(async () => {
    await mail.mailer.close();
    await mail.smtp.close();
  });
  return mail;
}
