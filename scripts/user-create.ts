/**
 * Creates a user from the command line:
 *   npm run user:create -- --email ops@example.com --role admin [--name "Ops"] [--password "..."]
 * Without --password a strong random one is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { userInputSchema } from '../server/accounts/accounts.schemas.js';
import { ValidationError } from '../server/lib/errors.js';
import { fieldErrorsOf } from '../server/web/validate.js';
import { closeCli, exitWith, openForCli } from './cli.js';

const USAGE = 'usage: npm run user:create -- --email E --role admin|manager|viewer [--name N] [--password P]';

let args;
try {
  args = parseArgs({
    options: {
      email: { type: 'string' },
      role: { type: 'string', default: 'viewer' },
      name: { type: 'string', default: '' },
      password: { type: 'string' },
    },
    strict: true,
  }).values;
} catch (err) {
  exitWith(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`, 2);
}

const generated = args.password === undefined;
const password = args.password ?? randomBytes(18).toString('base64url');
const parsed = userInputSchema.safeParse({ email: args.email, role: args.role, name: args.name, password });
if (!parsed.success) {
  const problems = Object.entries(fieldErrorsOf(parsed.error)).map(([field, message]) => `--${field}: ${message}`);
  exitWith(`${problems.join('; ')}\n${USAGE}`, 2);
}

const cli = await openForCli();
try {
  const accounts = cli.services.accounts;
  const user = await accounts.createUser(parsed.data);
  process.stdout.write(`Created ${user.role} ${user.email}\n`);
  if (generated) process.stdout.write(`Password (shown once): ${password}\n`);
} catch (err) {
  if (err instanceof ValidationError) exitWith(err.message);
  throw err;
} finally {
  await closeCli(cli);
}
