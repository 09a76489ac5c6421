/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';

import { signIn } from './agent.js';
import type { TestContext } from './context.js';

/** Debian's Chromium (apt-get install -y chromium); never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface BrowserFixture {
  browser: Browser;
  /** Where the test context's app listens, e.g. http://127.0.0.1:41234 */
  baseUrl: string;
}

/**
 * A real Chromium and the app listening on a free port, for the file's tests. Without Chromium the
 * tests are skipped on a developer machine and fail in CI (where .ci/run installs it).
 */
export function useBrowser(ctx: TestContext): BrowserFixture {
  const fixture = {} as BrowserFixture;
  let server: Server | undefined;
  before(async function () {
    if (!existsSync(CHROMIUM_PATH)) {
      if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium`);
      this.skip();
    }
    fixture.browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-dev-shm-usage'],
    });
    server = await new Promise<Server>((resolve) => {
      const s = ctx.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    fixture.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Stop the browser and the server before the context closes its database connection.
    const closeContext = ctx.close.bind(ctx);
    ctx.close = async () => {
      await fixture.browser.close();
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await closeContext();
    };
  });
  return fixture;
}

/** Where to save screenshots for people to look at (SCREENSHOT_DIR), or undefined to skip them. */
export function screenshotPath(name: string): string | undefined {
  return process.env.SCREENSHOT_DIR ? `${process.env.SCREENSHOT_DIR}/${name}.png` : undefined;
}

/** Waits until a canvas has drawn something (any non-transparent pixel): Chart.js ran and painted. */
export async function waitForCanvasPixels(page: Page, canvasId: string): Promise<void> {
  await page.waitForFunction((id) => {
    const canvas = document.getElementById(id) as HTMLCanvasElement | null;
    if (!canvas || canvas.width === 0) return false;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  }, canvasId);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.1 A and AA rules, or the rules given) in the page; returns "rule (nodes)" per violation. */
export async function axeViolations(page: Page, rules?: string[]): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async (only) => {
    const axe = (
      window as unknown as {
        axe: {
          run: (context: Document, options: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }>;
        };
      }
    ).axe;
    return axe.run(document, {
      runOnly: only
        ? { type: 'rule', values: only }
        : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  }, rules);
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

/**
 * A browser context signed in as `email` (through the login form of a Supertest agent), with CSP
 * bypassed so axe-core can be injected.
 */
export async function signedInContext(
  b: BrowserFixture,
  email: string,
  viewport = { width: 375, height: 800 },
): Promise<BrowserContext> {
  const context = await b.browser.newContext({ viewport, bypassCSP: true });
  const agent = request.agent(b.baseUrl);
  await signIn(agent, email);
  const cookie = (await agent.get('/surveys')).request.cookies;
  await context.addCookies(
    String(cookie ?? '')
      .split('; ')
      .filter(Boolean)
      .map((pair) => {
        const [name, ...rest] = pair.split('=');
        return { name: name!, value: rest.join('='), url: b.baseUrl };
      }),
  );
  return context;
}
