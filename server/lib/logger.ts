import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Secrets never reach the logs: cookies, authorization headers and any field named like a password,
 * token or secret are replaced before a line is written, and every finished line goes through
 * `redactSecrets`, so a token in a URL or an error message is removed too.
 */
export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'token',
  '*.token',
  'secret',
  '*.secret',
];

const TOKEN_CHARS = 'A-Za-z0-9_-';
/** A survey or unsubscribe link's path (a report's too): everything after /r/, /u/ or /ru/ is the secret. */
const LINK_PATH = /(\/(?:r|u|ru)\/)[^/?#"\s\\]+/g;
/** Our secrets by shape: 43-character tokens (links, API keys after `nps_`) and webhook secrets. */
const SECRET_SHAPES = new RegExp(
  `(?<![${TOKEN_CHARS}])(?:nps_[${TOKEN_CHARS}]{43}|whsec_[${TOKEN_CHARS}]{32}|[${TOKEN_CHARS}]{43})(?![${TOKEN_CHARS}])`,
  'g',
);

/**
 * Removes secrets from a finished log line, whatever field or message they ended up in: request URLs,
 * error messages and stacks, worker logs. Link paths lose their token; token-shaped strings are
 * replaced wherever they appear.
 */
export function redactSecrets(line: string): string {
  return line.replace(LINK_PATH, '$1[redacted]').replace(SECRET_SHAPES, '[redacted]');
}

export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: redactSecrets },
    },
    options.destination,
  );
}
