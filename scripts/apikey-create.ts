/**
 * Creates an API key and prints it once (it is stored only as a hash).
 *   npm run apikey:create -- --name "BI export" [--scope read|read_write]
 */
import { parseArgs } from 'node:util';

import { API_SCOPES, type ApiScope } from '../server/api/api-key.model.js';
import { createApiKeysService } from '../server/api/api-keys.service.js';
import { exitWith, loadConfigOrExit, openDatabaseOrExit } from '../server/boot/process.js';
import { systemClock } from '../server/lib/clock.js';
import { createLogger } from '../server/lib/logger.js';

const { values } = parseArgs({ options: { name: { type: 'string' }, scope: { type: 'string', default: 'read' } } });
const name = (values.name ?? '').trim();
if (!name || name.length > 100) exitWith('--name: give the key a name of 1 to 100 characters, e.g. --name "BI export"');
if (!(API_SCOPES as readonly string[]).includes(values.scope))
  exitWith(`--scope: expected ${API_SCOPES.join(' or ')} (got "${values.scope}")`);
const config = loadConfigOrExit();
const db = await openDatabaseOrExit({ config, logger: createLogger({ level: 'warn' }), share: true });
try {
  const created = await createApiKeysService({ apiKeys: db.models.apiKeys, clock: systemClock }).create({
    name,
    scope: values.scope as ApiScope,
  });
  console.log(`API key "${name}" (${values.scope}) - copy it now, it is not shown again:\n${created.key}`);
} finally {
  await db.close();
}
