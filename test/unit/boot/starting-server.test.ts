import { expect } from 'chai';
import request from 'supertest';

import { startingServer } from '../../../server/boot/starting-server.js';

describe('the web server while the app starts (boot/starting-server.ts)', () => {
  it('answers /healthz at once, /readyz and pages with 503 until the app is handed over, then only the app', async () => {
    const starting = startingServer();
    const server = starting.server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      expect((await request(server).get('/healthz').expect(200)).body).to.deep.equal({ status: 'ok' });
      expect((await request(server).get('/readyz').expect(503)).body).to.deep.equal({ status: 'starting' });
      const page = await request(server).get('/surveys?x=1').expect(503);
      expect(page.headers['retry-after']).to.equal('5');
      expect(page.headers['content-security-policy']).to.equal("default-src 'none'");
      expect(page.text).to.contain('<h1>Starting up</h1>');
      expect(page.text).not.to.contain('<script');

      starting.serve((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('the app');
      });
      expect((await request(server).get('/readyz').expect(200)).text).to.equal('the app');
      expect((await request(server).get('/surveys').expect(200)).text).to.equal('the app');
    } finally {
      server.close();
    }
  });
});
