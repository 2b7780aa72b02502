import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, onTestFailed } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { smtpSink, waitFor } from './smtp-sink.ts';
import { findChromium } from '../../scripts/chromium-path.mjs';

/** Debian's Chromium (or CHROMIUM_PATH); no test tool downloads a browser. `npm test` installs it first when it can. */
export function chromiumPath(): string {
  const found = findChromium();
  if (!found) throw new Error('Chromium is missing: apt-get install chromium (npm test does it as root), or set CHROMIUM_PATH.');
  return found;
}
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-results');
export const SECRET = 'test-secret-0123456789-0123456789-abcdef';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath() });
}

/**
 * Keeps a screenshot of the page when the current test fails (test-results/<name>.png). A
 * concurrent test passes its own context's `onTestFailed` (the global one is for one test at a time).
 */
export function screenshotOnFailure(page: Page, name: string, onFailed: typeof onTestFailed = onTestFailed): void {
  onFailed(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
  });
}

/**
 * The built reference site served by Rapport's own server on embedded defaults (a SQLite file, the
 * generated secret aside), with a real SMTP sink, and a project folder of its own for FAQ drafts.
 */
export async function referenceServer(distDir: string, clock?: () => Date) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rapport-e2e-'));
  const sink = await smtpSink();
  const running: RunningServer = await startServer({
    distDir,
    port: 0,
    host: '127.0.0.1',
    store: { sqliteFile: path.join(tmp, 'rapport.sqlite') },
    secret: SECRET,
    projectRoot: tmp,
    mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100 },
    ...(clock ? { clock } : {}),
  });
  const base = serverUrl(running.server);
  const local = (link: string) => {
    const url = new URL(link);
    return `${base}${url.pathname}${url.search}`;
  };
  return {
    base,
    sink,
    running,
    /** A link from a mail, on this server (mail links use the site's public URL). */
    local,
    /** The first mail to `address` whose subject matches, once it arrives. */
    mailTo: (address: string, subject: RegExp) =>
      waitFor(() => sink.received.find((m) => m.to.includes(address) && subject.test(m.parsed.subject ?? '')), `a mail to ${address} about ${subject}`),
    /** The token link to `path` in a mail's text, on this server. */
    tokenLink: (text: string | undefined, path: string) => {
      const match = new RegExp(`https?://[^\\s"<>]+${path.replace(/[/?]/g, '\\$&')}\\?token=[\\w-]+`).exec(text ?? '');
      if (!match) throw new Error(`No ${path} link in:\n${text}`);
      return local(match[0]);
    },
    close: async () => {
      await running.close();
      await sink.close();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * A browser suite's frame: one reference server and one Chromium for the whole suite, and a fresh
 * context (no cookies) and page for each test, kept as a screenshot when the test fails. Read
 * `suite.page` and `suite.server` inside tests.
 */
export function browserSuite(distDir: string, options: { tag: string; javaScriptEnabled?: boolean; clock?: () => Date }) {
  const suite = {} as { server: Awaited<ReturnType<typeof referenceServer>>; browser: Browser; context: BrowserContext; page: Page };
  beforeAll(async () => {
    suite.server = await referenceServer(distDir, options.clock);
    suite.browser = await launchBrowser();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  beforeEach(async (test) => {
    suite.context = await suite.browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
    suite.page = await suite.context.newPage();
    screenshotOnFailure(suite.page, `${options.tag}-${test.task.name}`);
  });
  afterEach(async () => {
    await suite.context?.close();
  });
  return suite;
}
