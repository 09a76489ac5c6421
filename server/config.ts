import path from 'node:path';
import { z } from 'zod';

import { localSecret } from './lib/local-secret.js';
import { isTimeZone } from './lib/time-zone.js';

/**
 * The only reader of process.env. Every variable is parsed here, once, with Zod; the result is frozen.
 * Defaults are chosen so that `npm start` on a fresh clone needs nothing set (see .env.example).
 */

/** Only under NODE_ENV=test: tests need a secret that is the same in every process of a run. */
const TEST_SESSION_SECRET = 'test-only-secret-never-used-outside-the-test-suite-0000';

const bool = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: `${name}: expected true or false` })
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A whole number in [min, max], named in its error: "PORT: expected a whole number from 0 to 65535". */
const wholeNumber = (name: string, min: number, max: number) => {
  const message = `${name}: expected a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d+$/, { error: message })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: message });
};

const trustProxySchema = z
  .string()
  .trim()
  .min(1)
  .transform((value, ctx): boolean | number | string => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    // Express accepts names (loopback, linklocal, uniquelocal), addresses and subnets, comma separated.
    if (/^[\w.:/,\s-]+$/.test(value)) return value;
    ctx.addIssue({ code: 'custom', message: 'TRUST_PROXY: expected false, true, a hop count, or addresses/subnets' });
    return z.NEVER;
  });

const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { error: 'NODE_ENV: expected development, production or test' })
    .default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: wholeNumber('PORT', 0, 65535).default(3000),
  BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: 'BASE_URL: expected an http:// or https:// URL such as https://nps.example.com',
    })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  MONGODB_URI: z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, {
      error: 'MONGODB_URI: expected a mongodb:// or mongodb+srv:// connection string',
    })
    .optional(),
  EMBEDDED_DB: z
    .enum(['auto', 'mongod', 'java'], { error: 'EMBEDDED_DB: expected auto, mongod or java' })
    .default('auto'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  SMTP_URL: z
    .string()
    .trim()
    .regex(/^smtps?:\/\/\S+$/, { error: 'SMTP_URL: expected smtp://user:pass@host:587 or smtps://...' })
    .optional(),
  MAIL_FROM: z.string().trim().min(3).default('NPS Surveys <surveys@localhost>'),
  SMTP_MAX_CONNECTIONS: wholeNumber('SMTP_MAX_CONNECTIONS', 1, 100).default(5),
  SMTP_RATE_PER_SECOND: wholeNumber('SMTP_RATE_PER_SECOND', 0, 100_000).default(0),
  WORKER_ENABLED: bool('WORKER_ENABLED').default(true),
  OUTBOUND_ALLOW_PRIVATE_HOSTS: bool('OUTBOUND_ALLOW_PRIVATE_HOSTS').default(false),
  TOKEN_SECRET: z
    .string()
    .min(32, { error: 'TOKEN_SECRET: expected at least 32 characters (use: openssl rand -base64 48)' })
    .optional(),
  SESSION_SECRET: z
    .string()
    .min(32, { error: 'SESSION_SECRET: expected at least 32 characters (use: openssl rand -base64 48)' })
    .optional(),
  SESSION_IDLE_MINUTES: wholeNumber('SESSION_IDLE_MINUTES', 1, 525_600).default(60),
  SESSION_ABSOLUTE_HOURS: wholeNumber('SESSION_ABSOLUTE_HOURS', 1, 8760).default(12),
  LOGIN_MAX_FAILURES: wholeNumber('LOGIN_MAX_FAILURES', 1, 1000).default(10),
  REPORT_TIME_ZONE: z
    .string()
    .trim()
    .refine(isTimeZone, {
      error: 'REPORT_TIME_ZONE: expected an IANA time zone such as UTC, Europe/Berlin or America/New_York',
    })
    .default('UTC'),
  RESPONSE_EDIT_DAYS: wholeNumber('RESPONSE_EDIT_DAYS', 0, 365).default(7),
  TOKEN_FAILURES_PER_MINUTE: wholeNumber('TOKEN_FAILURES_PER_MINUTE', 1, 100_000).default(30),
  ALERT_DIGEST_MINUTES: wholeNumber('ALERT_DIGEST_MINUTES', 1, 1440).default(5),
  AUTOPILOT_INTERVAL_SECONDS: wholeNumber('AUTOPILOT_INTERVAL_SECONDS', 5, 86_400).default(60),
  API_REQUESTS_PER_MINUTE: wholeNumber('API_REQUESTS_PER_MINUTE', 1, 1_000_000).default(600),
  WEB_LINK_ANSWERS_PER_HOUR: wholeNumber('WEB_LINK_ANSWERS_PER_HOUR', 1, 100_000).default(20),
  TRUST_PROXY: trustProxySchema.default(false),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL: expected fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  SECURE_COOKIES: bool('SECURE_COOKIES').optional(),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly baseUrl: string;
  readonly mongodbUri: string | undefined;
  readonly embeddedDb: 'auto' | 'mongod' | 'java';
  readonly dataDir: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly smtpMaxConnections: number;
  /** Messages per second across the pool; 0 for no limit. */
  readonly smtpRatePerSecond: number;
  /** Run a send worker inside the web process (npm start). Turn off where separate `npm run worker` processes send. */
  readonly workerEnabled: boolean;
  /** Outgoing HTTP (webhooks) may reach loopback and private addresses: for receivers on an internal network. */
  readonly outboundAllowPrivateHosts: boolean;
  /** Key for sealing link tokens (lib/seal.ts); defaults to one derived from the session secret. */
  readonly tokenSecret: string;
  readonly sessionSecrets: readonly string[];
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly loginMaxFailures: number;
  /** How long a customer may change an answer after first giving it. */
  readonly responseEditMs: number;
  /** IANA time zone for days, weeks and months on results pages. */
  readonly reportTimeZone: string;
  /** Unknown or malformed survey-link tokens one client may try per minute before getting 429. */
  readonly tokenFailuresPerMinute: number;
  /** How often follow-up alerts go out, as one digest per person. */
  readonly alertDigestMs: number;
  /** How often workers run the autopilot schedules. */
  readonly autopilotIntervalMs: number;
  /** Requests one API key may make per minute (all instances together). */
  readonly apiRequestsPerMinute: number;
  /** Answers one client may give through a survey's anonymous web link per hour. */
  readonly webLinkAnswersPerHour: number;
  readonly trustProxy: boolean | number | string;
  readonly logLevel: string;
  /** Cookies get the Secure flag: on when BASE_URL is https, unless SECURE_COOKIES says otherwise. */
  readonly secureCookies: boolean;
  /** Where the generated session secret is kept, when SESSION_SECRET was not set (development). */
  readonly generatedSessionSecretFile: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment. Throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as in most .env tooling.
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? '');
      const message = issue.message.startsWith(`${name}:`) ? issue.message : `${name}: ${issue.message}`;
      const got = env[name];
      return got === undefined ? message : `${message} (got ${JSON.stringify(got)})`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.SESSION_SECRET) {
    throw new ConfigError(['SESSION_SECRET: required when NODE_ENV=production (use: openssl rand -base64 48)']);
  }
  const baseUrl = e.BASE_URL ?? `http://localhost:${e.PORT || 3000}`;
  const dataDir = path.resolve(e.DATA_DIR);
  // No SESSION_SECRET in development: a random one made once and kept in DATA_DIR (tests: a fixed one).
  const generated = e.SESSION_SECRET || e.NODE_ENV === 'test' ? undefined : localSecret(dataDir, 'session-secret');
  const sessionSecret = e.SESSION_SECRET ?? generated?.secret ?? TEST_SESSION_SECRET;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    baseUrl,
    mongodbUri: e.MONGODB_URI,
    embeddedDb: e.EMBEDDED_DB,
    dataDir,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
    smtpRatePerSecond: e.SMTP_RATE_PER_SECOND,
    workerEnabled: e.WORKER_ENABLED,
    outboundAllowPrivateHosts: e.OUTBOUND_ALLOW_PRIVATE_HOSTS,
    tokenSecret: e.TOKEN_SECRET ?? `token:${sessionSecret}`,
    sessionSecrets: Object.freeze([sessionSecret]),
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    responseEditMs: e.RESPONSE_EDIT_DAYS * 86_400_000,
    reportTimeZone: e.REPORT_TIME_ZONE,
    tokenFailuresPerMinute: e.TOKEN_FAILURES_PER_MINUTE,
    webLinkAnswersPerHour: e.WEB_LINK_ANSWERS_PER_HOUR,
    apiRequestsPerMinute: e.API_REQUESTS_PER_MINUTE,
    alertDigestMs: e.ALERT_DIGEST_MINUTES * 60_000,
    autopilotIntervalMs: e.AUTOPILOT_INTERVAL_SECONDS * 1000,
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    secureCookies: e.SECURE_COOKIES ?? baseUrl.startsWith('https://'),
    generatedSessionSecretFile: generated?.file,
  });
}
