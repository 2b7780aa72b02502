import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumPath, referenceServer } from '../helpers/browser.ts';

const distDir = inject('referenceBuild');
const PAGES = ['/', '/products/tulip-queen-of-night/', '/faq/', '/newsletter/2026-06-after-the-tulips/', '/fr/', '/fr/faq/when-to-plant-tulips/'];
const REPORT = path.resolve(import.meta.dirname, '../../test-results/lighthouse.json');

/**
 * Lighthouse's default run: a mobile phone on simulated slow 4G (150 ms RTT, 1.6 Mbps, 4× CPU
 * slowdown). The gate: performance ≥ 95, accessibility, best practices and SEO = 100.
 */
describe('Lighthouse, mobile on slow 4G, against the built reference site', () => {
  let server: Awaited<ReturnType<typeof referenceServer>>;
  let chrome: chromeLauncher.LaunchedChrome;
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    server = await referenceServer(distDir);
    chrome = await chromeLauncher.launch({ chromePath: chromiumPath(), chromeFlags: ['--headless=new', '--no-sandbox'] });
  });
  afterAll(async () => {
    chrome?.kill();
    await server?.close();
    await mkdir(path.dirname(REPORT), { recursive: true });
    await writeFile(REPORT, `${JSON.stringify(figures, null, 2)}\n`);
  });

  it.each(PAGES)('%s', async (page) => {
    const result = await lighthouse(`${server.base}${page}`, { port: chrome.port, output: 'json', logLevel: 'error' });
    const lhr = result!.lhr;
    expect(lhr.configSettings.formFactor).toBe('mobile');
    expect(lhr.configSettings.throttlingMethod).toBe('simulate');
    const scores = Object.fromEntries(Object.entries(lhr.categories).map(([id, c]) => [id, Math.round((c.score ?? 0) * 100)]));
    const metric = (id: string) => Math.round(lhr.audits[id]?.numericValue ?? Number.NaN);
    const failing = Object.values(lhr.audits)
      .filter((a) => a.score !== null && a.score < 1 && ['binary', 'numeric', 'metricSavings'].includes(a.scoreDisplayMode))
      .map((a) => `${a.id} (${a.score})`);
    figures[page] = {
      scores,
      lcpMs: metric('largest-contentful-paint'),
      tbtMs: metric('total-blocking-time'),
      cls: lhr.audits['cumulative-layout-shift']?.numericValue,
      failing,
    };
    console.log(`Lighthouse ${page}: ${JSON.stringify(figures[page])}`);
    expect(scores.performance, `performance; below 1: ${failing.join(', ')}`).toBeGreaterThanOrEqual(95);
    expect({ accessibility: scores.accessibility, 'best-practices': scores['best-practices'], seo: scores.seo }, failing.join(', ')).toEqual({
      accessibility: 100,
      'best-practices': 100,
      seo: 100,
    });
  });
});
