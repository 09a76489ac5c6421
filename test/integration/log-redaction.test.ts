import { expect } from 'chai';
import request from 'supertest';

import { createApiKeysService } from '../../server/api/api-keys.service.js';
import { redactSecrets } from '../../server/lib/logger.js';
import { useTestContext } from '../helpers/context.js';
import { makeInvitation } from '../helpers/factories.js';

describe('no link token or key in the logs', () => {
  const ctx = useTestContext();

  it('redacts survey and unsubscribe tokens and API keys from request, error and worker logs', async () => {
    const { token } = await makeInvitation(ctx);
    const other = await makeInvitation(ctx);
    await request(ctx.app).get(`/r/${token}/9`).expect(200);
    await request(ctx.app).get(`/r/${token}/9?utm_source=mail`).expect(200);
    await request(ctx.app).get(`/u/${other.token}`).expect(200);
    await request(ctx.app).post(`/u/${other.token}`).type('form').send({ 'List-Unsubscribe': 'One-Click' });
    await request(ctx.app).get('/ru/a-damaged-report-unsubscribe-link').expect(404);
    await request(ctx.app)
      .get(`/r/${token.slice(0, 30)}/9`)
      .expect(404); // a damaged link
    const { key } = await createApiKeysService({ apiKeys: ctx.models.apiKeys, clock: ctx.clock }).create({
      name: 'Shop',
      scope: 'read',
    });
    await request(ctx.app).get(`/api/v1/nothing-here?key=${key}`).set('Authorization', `Bearer ${key}`);
    ctx.logger.warn({ url: `https://nps.example.com/r/${token}` }, `worker could not send ${token}`);
    const logText = ctx.logs.join('');
    expect(ctx.logs.length).to.be.greaterThan(5);
    expect(logText).to.contain('/r/[redacted]').and.contain('/u/[redacted]').and.contain('/ru/[redacted]');
    expect(logText).not.to.contain('a-damaged-report-unsubscribe-link');
    for (const secret of [token, other.token, token.slice(0, 30), key, key.slice(4)])
      expect(logText).not.to.contain(secret);
  });

  it('keeps ordinary text: ids, hashes, property names', () => {
    const line =
      '{"msg":"survey 65f1c2a9b1e4a3d2c1b0a9f8 hash 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 property customer_lifetime_value"}';
    expect(redactSecrets(line)).to.equal(line);
  });
});
