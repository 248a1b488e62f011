/**
 * Real headless Chromium (Debian's, installed by scripts/setup-browser.sh) driven by playwright-core,
 * each launch with a fresh user-data-dir removed afterwards, and real Maelstrom runs for the reports
 * to draw. Shared by the report's end-to-end tests and bench/report.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
export const CHROMIUM_MISSING = `Chromium is not installed (${CHROMIUM}); run scripts/setup-browser.sh`;

/** The flags the brief asks for: no sandbox (root), no GPU, and nothing that talks to the network. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile; `close` ends it and removes the profile, also after a failure. */
export async function launch(opts: { javaScriptEnabled?: boolean } = {}): Promise<Browser> {
  const profile = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'faultline-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, javaScriptEnabled: opts.javaScriptEnabled ?? true,
      viewport: { width: 1280, height: 900 },
    });
    return {
      context,
      async close() {
        await context.close().catch(() => undefined);
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Console errors, page errors and every request that is not the file itself (the report must make none). */
export interface PageWatch {
  errors: string[];
  requests: string[];
}

/** Opens `file` in a new page and watches what it logs and requests. */
export async function openReport(b: Browser, file: string, waitReady = true): Promise<{ page: Page; watch: PageWatch; ms: number }> {
  const page = await b.context.newPage();
  const watch: PageWatch = { errors: [], requests: [] };
  const url = `file://${file}`;
  page.on('console', (m) => { if (m.type() === 'error') watch.errors.push(m.text()); });
  page.on('pageerror', (e) => watch.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => { if (r.url() !== url) watch.requests.push(r.url()); });
  const t0 = performance.now();
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
  if (waitReady) await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  return { page, watch, ms: performance.now() - t0 };
}

/** Where screenshots go (git-ignored). */
export function screenshotDir(): string {
  const dir = nodePath.resolve('test-output', 'reports');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
