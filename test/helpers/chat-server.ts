import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { csrfTokenOf, type Agent } from './agent.js';

interface Received {
  path: string;
  body: Record<string, unknown>;
}

/** A real HTTP server standing in for Slack, Teams and Google Chat: records posts, answers `status`. */
export async function chatServer() {
  const state = { status: 200, hang: false, received: [] as Received[] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (state.hang) return; // never answers: the sender's timeout must end the attempt
      state.received.push({ path: req.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      res.statusCode = state.status;
      res.end('ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, server, base, on: (path: string) => state.received.filter((r) => r.path === path) };
}

/** Adds a destination through the page's form, as an admin would. */
export async function addDestination(admin: Agent, surveyId: string, fields: Record<string, string>) {
  const path = `/surveys/${surveyId}/notifications`;
  const _csrf = csrfTokenOf((await admin.get(path).expect(200)).text);
  return admin
    .post(path)
    .type('form')
    .send({ _csrf, ...fields });
}
