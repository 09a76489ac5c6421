import { createHash, randomBytes } from 'node:crypto';

/**
 * Secrets handed to people or machines (survey links, API keys) are 256 random bits from the OS CSPRNG,
 * written as base64url. Only their SHA-256 is stored: a stolen database does not give working links.
 * A fast hash is right here (unlike passwords): the input already has 256 bits of entropy.
 */
export const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** True when the string has the exact shape of a token we issue: check this before any database query. */
export function isWellFormedToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
