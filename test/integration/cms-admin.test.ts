import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { businessTimeZone, formatDateTime } from '../../integrations/rapport/config/time-zone.ts';
import { readBuildInfo } from '../../integrations/rapport/core/build-info.ts';
import { decapBundle } from '../../integrations/rapport/features/cms/decap-bundle.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { when } from '../../integrations/rapport/server/status-page.ts';
import { raw } from '../helpers/form-client.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');
const repo = path.resolve(import.meta.dirname, '../..');
const NOW = new Date('2026-11-30T21:13:00Z');

/** `/admin/` as the server sends it: Decap's bundle cached for good, the page revalidated, the publishing status page for staff. */
describe('the content manager page, its bundle and the publishing status', () => {
  let project: string;
  let running: RunningServer;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    // An empty Git repository is enough for the server to publish (and so to answer /admin/status).
    await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
    project = await mkdtemp(path.join(repo, '.rapport', 'fixtures', 'cms-admin-'));
    execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: project });
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: { sqliteFile: path.join(project, 'var', 'rapport.sqlite') },
      secret: 'test-secret-0123456789-0123456789-abcdef',
      projectRoot: project,
      clock: () => NOW,
    });
    base = serverUrl(running.server);
    ({ cookie } = await signedIn(running.store.db, 'editor', 'edie@example.com', () => NOW));
  });
  afterAll(async () => {
    await running?.close();
    await rm(project, { recursive: true, force: true });
  });

  it('loads Decap from a content-named file cached for a year, and revalidates only the page', async () => {
    const { script, base: folder } = decapBundle();
    expect(script).toMatch(/^\/_astro\/decap-cms\.[0-9a-f]{12}\/decap-cms\.js$/);
    const page = await raw(`${base}/admin/`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('public, max-age=0, must-revalidate');
    const $ = load(page.text);
    expect($(`script[src="${script}"]`).length).toBe(1);
    // Decap waits for the page's own script (staff check, previews, the site's address) before it starts.
    expect($('script:not([src])').first().text()).toContain('CMS_MANUAL_INIT = true');
    expect($('a[href="/admin/status"]').text()).toBe('Publishing status');

    // A repeat visit asks only for the page, and gets 304.
    const again = await raw(`${base}/admin/`, { headers: { 'if-none-match': String(page.headers.etag) } });
    expect(again.status).toBe(304);

    const bundle = await raw(`${base}${script}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(bundle.headers['content-encoding']).toBe('br');
    expect(Number(bundle.headers['content-length'])).toBeLessThan(1_300_000);
    // The chunks Decap loads on demand sit beside it (webpack resolves them against the script's address), cached alike.
    const chunk = decapBundle().files.find((f) => /^\d+\.decap-cms\.js$/.test(f))!;
    expect((await raw(`${base}${folder}${chunk}`)).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await raw(`${base}/admin/decap-cms.js`)).status).toBe(404);
  });

  it('serves the previews the site’s stylesheet with its accent colour', async () => {
    const css = await raw(`${base}/admin/preview.css`);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.text).toContain('.price');
    expect(css.text).toMatch(/:root \{ --accent: #[0-9a-f]{6}; \}/i);
  });

  it('shows the publishing status to staff only, in the console’s style, with times in words', async () => {
    expect((await raw(`${base}/admin/status`)).status).toBe(401);
    Object.assign(running.publishing!.status, {
      state: 'live',
      startedAt: '2026-11-30T21:10:30.000Z',
      finishedAt: '2026-11-30T21:11:00.000Z',
      seconds: 30,
      lastLiveSeconds: 30,
    });
    const page = await raw(`${base}/admin/status`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const $ = load(page.text);
    expect($('body').hasClass('console')).toBe(true);
    expect($('style').text()).toContain('.console-header');
    expect($('.console-header a[aria-current="page"]').attr('href')).toBe('/admin/status');
    expect($('.console-header a[href="/admin/"]').text()).toBe('Content manager');
    expect($('[role=status]').text()).toBe('Your last publish is live (30 s from publish to live).');
    expect($('dl.facts').text()).toContain('Finished');
    // In the business's zone (the reference farm is in Alberta), named, and how long ago.
    const zone = businessTimeZone(readBuildInfo(distDir).config.business);
    expect(zone).toBe('America/Edmonton');
    expect($('dl.facts dd').last().text()).toBe(`${formatDateTime('2026-11-30T21:11:00.000Z', 'en-CA', zone)} (2 minutes ago)`);
    expect($('dl.facts dd').last().text()).toMatch(/^Nov 30, 2026, \d:11\sp\.m\. M[SD]T \(/);
    expect(page.text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);

    const json = await raw(`${base}/admin/status`, { headers: { cookie, accept: 'application/json' } });
    expect(JSON.parse(json.text)).toMatchObject({ state: 'live', lastLiveSeconds: 30 });
  });

  it('shows a failed build’s log escaped, as an error', async () => {
    Object.assign(running.publishing!.status, { state: 'failed', log: '<script>alert(1)</script> content/faq/x.md: question is required' });
    const $ = load((await raw(`${base}/admin/status`, { headers: { cookie } })).text);
    expect($('p.error[role=status]').text()).toContain('could not be built');
    expect($('pre.build-log').text()).toContain('<script>alert(1)</script>');
    expect($('pre.build-log script').length).toBe(0);
  });
});

describe('times on the status page', () => {
  it('are in the business’s time zone when it has one, named, with how long ago', () => {
    const at = when(NOW, 'en-CA', 'America/Regina');
    expect(at('2026-11-30T18:13:00Z')).toMatch(/^Nov 30, 2026, 12:13\sp\.m\. CST \(3 hours ago\)$/);
    expect(when(NOW, 'en-CA', 'UTC')('2026-11-28T21:13:00Z')).toMatch(/UTC \(2 days ago\)$/);
  });
});
