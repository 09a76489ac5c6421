import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';

import { createApp } from '../../server/boot/app.js';
import type { Models } from '../../server/boot/models.js';
import type { Services } from '../../server/boot/services.js';
import type { Config } from '../../server/config.js';
import { createLogger } from '../../server/lib/logger.js';
import type { Role } from '../../server/vocabulary/roles.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The app on a loopback port (quiet logs) and a Supertest agent signed in as a new user with `role`,
 * for the benchmarks that time pages over HTTP. `close()` stops the server.
 */
export async function signedInApp(
  db: { config: Config; connection: Parameters<typeof createApp>[0]['connection']; models: Models },
  services: Services,
  role: Role,
) {
  const email = `bench-${role}@example.com`;
  await services.accounts.createUser({ email, name: 'Bench', role, password: PASSWORD });
  const app = createApp({
    config: db.config,
    logger: createLogger({ level: 'silent' }),
    connection: db.connection,
    models: db.models,
    services,
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const agent = request.agent(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const login = await agent.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1]!;
  await agent.post('/login').type('form').send({ _csrf: csrf, email, password: PASSWORD }).expect(303);
  return { agent, close: () => server.close() };
}
