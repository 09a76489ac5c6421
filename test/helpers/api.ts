import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import type { TestContext } from './context.js';

/** A read key and a read-write key, and a request to /api/v1 with a key; `ctx` is read when called. */
export function apiHelpers(ctx: TestContext) {
  const keys = async () => {
    const service = createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock });
    return {
      read: (await service.create({ name: 'BI', scope: 'read' })).key,
      write: (await service.create({ name: 'CRM sync', scope: 'read_write' })).key,
    };
  };
  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, key?: string) => {
    const req = request(ctx.app)[method](`/api/v1${path}`);
    return key ? req.set('Authorization', `Bearer ${key}`) : req;
  };
  return { keys, api };
}
