/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
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
    fixture.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
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
