import { execFileSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import type { RunningServer } from '../../integrations/rapport/server/serve.ts';
import { launchBrowser, screenshotOnFailure } from '../helpers/browser.ts';
import { raw } from '../helpers/form-client.ts';
import { waitFor } from '../helpers/smtp-sink.ts';
import { publishingServer } from '../helpers/publishing-server.ts';
import { signedIn } from '../helpers/staff.ts';

const distDir = inject('referenceBuild');
/** `RAPPORT_SHOTS=/tmp/shots-18 npx vitest run test/e2e/cms-editor.test.ts` keeps screenshots of the previews and the status page. */
const shots = process.env.RAPPORT_SHOTS;

/**
 * An editor's way in and around Decap in Chromium: straight into the collections with the staff
 * session (no second "Login"), previews drawn like the site's pages, and a banner that follows a
 * publish until the rebuilt site is live.
 */
describe('the editor in Decap: in without a second login, previews as the site shows them, told when a publish is live', () => {
  let server: Awaited<ReturnType<typeof publishingServer>>;
  let running: RunningServer;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    server = await publishingServer(distDir, 'cms-editor');
    ({ running, base } = server);
    browser = await launchBrowser();
    const editor = await signedIn(running.store.db, 'editor', 'words@example.com');
    context = await browser.newContext();
    await context.addCookies([{ name: SESSION_COOKIE, value: editor.cookie.split('=')[1]!, url: base, httpOnly: true, sameSite: 'Lax' }]);
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept()); // Decap asks "Are you sure?" before publishing
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const site = async (pathname: string) => load((await raw(`${base}${pathname}`)).text);
  const open = async (collection: string, slug: string) => {
    // A fresh load each time: Decap, moved between entries by the address's hash alone, kept the previous entry's body.
    await page.goto('about:blank');
    await page.goto(`${base}/admin/#/collections/${collection}/entries/${slug}`);
    // On a site in two languages Decap opens the other language beside the entry; the preview is one click away.
    const preview = page.locator('button[title="Toggle preview"]');
    await preview.waitFor();
    if ((await page.locator('#preview-pane').count()) === 0) await preview.click();
    const frame = page.frameLocator('#preview-pane');
    await frame.locator('main h1').waitFor();
    return frame;
  };
  const shoot = async (name: string) => {
    if (!shots) return;
    await mkdir(shots, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: path.join(shots, `editor-preview-${name}-1280.png`) });
    // Decap shows no preview pane on a phone: the pane alone, narrowed to a phone's width, shows how the page reflows there.
    const pane = page.locator('#preview-pane');
    await pane.evaluate((el) => Object.assign((el as HTMLElement).style, { width: '390px', height: '1200px', flex: 'none' }));
    await pane.screenshot({ path: path.join(shots, `editor-preview-${name}-390.png`) });
    await pane.evaluate((el) => Object.assign((el as HTMLElement).style, { width: '', height: '', flex: '' }));
    await page.setViewportSize({ width: 1280, height: 720 });
  };

  it('opens on the collections with the staff session alone; the site links point at this server', async () => {
    screenshotOnFailure(page, 'cms-editor-in');
    await page.goto(`${base}/admin/`);
    await page.waitForSelector('a[href="#/collections/pages"]');
    expect(await page.locator('button:text-is("Login")').count()).toBe(0);
    // The "New" button is words: Decap's own label has a full-width plus that system fonts lack.
    await page.click('a[href="#/collections/pages"]');
    await expect.poll(() => page.locator('a[href="#/collections/pages/new"]').innerText()).toBe('New Page');
    expect(await page.locator('body').innerText()).not.toContain('＋');
    // The published entry's "View Live" opens its own page, on the server being edited.
    await open('products', 'daffodil-dutch-master');
    expect(await page.locator('a:has-text("View Live")').getAttribute('href')).toBe(`${base}/products/daffodil-dutch-master/`);
    expect(await page.locator('a[href="/admin/status"]').innerText()).toBe('Publishing status');
  });

  it('previews products, answers, issues and pages as the site renders them', async () => {
    screenshotOnFailure(page, 'cms-editor-previews');
    const product = await site('/products/daffodil-dutch-master/');
    let frame = await open('products', 'daffodil-dutch-master');
    expect(await frame.locator('.price').innerText()).toBe(product('.price').first().text());
    expect(await frame.locator('.price').innerText()).toBe('$13.95');
    expect(await frame.locator('.badge').innerText()).toBe(product('.badge').first().text());
    expect(await frame.locator('dl.facts').innerText()).toContain('Shipping weight');
    expect(await frame.locator('img').first().getAttribute('src')).toBeTruthy();
    await shoot('product');

    const answer = await site('/faq/when-to-plant-tulips/');
    frame = await open('faq', 'when-to-plant-tulips');
    expect(await frame.locator('article.prose h1').innerText()).toBe(answer('article.prose h1').text());
    expect(await frame.locator('article.prose strong').first().innerText()).toBe('mid-September to mid-October');
    expect(await frame.locator('article.prose p.small time').innerText()).toBe(answer('article.prose p.small time').text());
    await shoot('faq');

    const issue = await site('/newsletter/2026-09-fall-planting-is-here/');
    frame = await open('newsletter', '2026-09-fall-planting-is-here');
    expect(await frame.locator('article.prose time').innerText()).toBe(issue('article.prose time').first().text());
    await shoot('newsletter');

    const about = await site('/about/');
    frame = await open('pages', 'about');
    expect(await frame.locator('article.prose h1').innerText()).toBe(about('article.prose h1').text());
    expect(await frame.locator('article.prose .lead').innerText()).toBe(about('article.prose .lead').text());
    // The site's stylesheet is applied: the lead paragraph is in the muted colour, not the browser's black.
    expect(await frame.locator('article.prose .lead').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(87, 87, 80)');
    await shoot('page');
  });

  it('follows a publish with a banner until the rebuilt site is live', { timeout: 300_000 }, async () => {
    screenshotOnFailure(page, 'cms-editor-publish');
    await open('products', 'daffodil-dutch-master');
    await page.fill('input[id^="price-field"]', '14.25');
    await expect.poll(() => page.frameLocator('#preview-pane').locator('.price').innerText()).toBe('$14.25');
    // The French translation beside it: its words are its own, its price is the English one's (copied, not typed twice).
    await page.getByRole('button', { name: 'Writing in EN' }).first().click();
    await page.getByRole('menuitem', { name: 'fr', exact: true }).first().click();
    const description = page.locator('input[id^="description-field"]').first();
    await expect.poll(() => description.inputValue()).toMatch(/^Le narcisse à trompette classique/);
    // The French side shows the price just typed on the English one.
    await expect.poll(() => page.locator('input[id^="price-field"]').first().inputValue()).toBe('14.25');
    await description.fill('Le grand narcisse jaune de nos champs, 45 cm de haut, que cerfs et rongeurs laissent tranquille année après année.');
    await expect.poll(() => page.frameLocator('#preview-pane').locator('main').innerText()).toContain('Le grand narcisse jaune de nos champs');
    await page.click('button:text-is("Save")');
    await page.waitForSelector('text=Changes saved');
    await page.click('text=Status: Draft');
    await page.click('text=Ready');
    await page.waitForSelector('text=Status: Ready');
    await page.click('text="Publish"');
    await page.click('text="Publish now"');
    await page.waitForSelector('text=Entry published', { timeout: 30_000 });
    const banner = page.locator('[data-publishing]');
    await expect.poll(() => banner.innerText()).toMatch(/^Publishing… /);
    await expect
      .poll(() => banner.innerText(), { timeout: 180_000, interval: 1_000, message: `build: ${running.publishing?.status.log ?? 'no log'}` })
      .toMatch(/^(Live: your change is on the site \(\d+ s\)|Publishing failed)/);
    expect(await banner.innerText(), running.publishing?.status.log).toMatch(/^Live: your change is on the site \(\d+ s\)/);
    expect((await site('/products/daffodil-dutch-master/'))('.price').first().text()).toBe('$14.25');
    const french = await site('/fr/products/daffodil-dutch-master/');
    expect(french('meta[name="description"]').attr('content')).toBe(
      'Le grand narcisse jaune de nos champs, 45 cm de haut, que cerfs et rongeurs laissent tranquille année après année.',
    );
    expect(french('.price').first().text().replace(/\s/g, ' ')).toBe('14,25 $');
    // Each language in its own file on the live branch: the French words in the French one, the English ones untouched, the price in both.
    const file = (name: string) => execFileSync('git', ['show', `main:content/products/${name}`], { cwd: server.project, encoding: 'utf8' });
    expect(file('daffodil-dutch-master.fr.md')).toContain('Le grand narcisse jaune de nos champs');
    expect(file('daffodil-dutch-master.en.md')).toContain('description: The classic all-yellow trumpet daffodil');
    for (const name of ['daffodil-dutch-master.en.md', 'daffodil-dutch-master.fr.md']) expect(file(name)).toMatch(/^price: 14\.25$/m);

    // The next publish has an estimate: the status remembers how long the last one took.
    await waitFor(() => (running.publishing?.status.lastLiveSeconds ? true : undefined), 'the last publish time');
    await page.goto(`${base}/admin/status`);
    expect(await page.locator('[role=status]').innerText()).toMatch(/^Your last publish is live \(\d+(\.\d)? s from publish to live\)\.$/);
    if (shots) {
      for (const width of [390, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: path.join(shots, `editor-preview-status-${width}.png`), fullPage: true });
      }
    }
  });
});
