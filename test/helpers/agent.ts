import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';

import type { Role } from '../../server/vocabulary/roles.js';
import type { TestContext } from './context.js';

export type Agent = ReturnType<typeof request.agent>;

/** The CSRF token a page's form carries. */
export function csrfTokenOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no CSRF token on the page');
  return match[1];
}

/** A browser-like client: keeps cookies between requests. */
export function browser(app: Express): Agent {
  return request.agent(app);
}

/** GETs a page and returns its CSRF token. */
export async function formToken(agent: Agent, path: string): Promise<string> {
  const page = await agent.get(path).expect(200);
  return csrfTokenOf(page.text);
}

export const DEFAULT_PASSWORD = 'correct horse battery staple';

/** Creates a user directly through the accounts service. */
export async function createUser(
  ctx: TestContext,
  role: Role,
  email = `${role}@example.com`,
  password = DEFAULT_PASSWORD,
) {
  const accounts = ctx.services.accounts;
  return accounts.createUser({ email, name: `${role[0]!.toUpperCase()}${role.slice(1)} User`, role, password });
}

/** Signs a browser in through the real login form. */
export async function signIn(agent: Agent, email: string, password = DEFAULT_PASSWORD): Promise<void> {
  const token = await formToken(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: token, email, password });
  expect(res.status, res.text.slice(0, 500)).to.equal(303);
}

/** A signed-in browser for a new user with the given role. */
export async function signedInAs(ctx: TestContext, role: Role): Promise<Agent> {
  const user = await createUser(ctx, role);
  const agent = browser(ctx.app);
  await signIn(agent, user.email);
  return agent;
}

/** The session cookie a response sets, if any. */
export function sessionCookie(res: request.Response): string | undefined {
  const cookies = res.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((c) => c.startsWith('nps.sid='));
}

/** A response parser that collects the whole body as UTF-8 text (supertest leaves text/csv unread). */
export const utf8Text: Parameters<request.Test['parse']>[0] = (res, callback) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => callback(null, Buffer.concat(chunks).toString('utf8')));
};
