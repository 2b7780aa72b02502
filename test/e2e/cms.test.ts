import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningServer } from '../../integrations/rapport/server/serve.ts';
import { launchBrowser, screenshotOnFailure, SECRET } from '../helpers/browser.ts';
import { formClient, raw } from '../helpers/form-client.ts';
import { publishingServer } from '../helpers/publishing-server.ts';
import { waitFor, type smtpSink } from '../helpers/smtp-sink.ts';

const distDir = inject('referenceBuild');

/** Screenshots of the editor's screens at a phone's and a desktop's width, for the review note. */
async function shoot(page: Page, name: string) {
  const dir = process.env.SHOTS_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `${name}-${width}.png`) });
  }
  await page.setViewportSize(size);
}

/**
 * The editor's whole path in real Chromium: signed in with the link `npx rapport users add`
 * prints, they open /admin/, find a visitor's question in the FAQ list under "Waiting for an
 * answer", answer it, set its one status to published, publish, and the answer is on the live
 * /faq/ after the rebuild. A draft deleted in the CMS comes back from the console.
 */
describe('the CMS in Chromium: a visitor question answered and published by an editor', () => {
  let server: Awaited<ReturnType<typeof publishingServer>>;
  let project: string;
  let running: RunningServer;
  let base: string;
  let browser: Browser;
  let page: Page;
  let sink: Awaited<ReturnType<typeof smtpSink>>;

  beforeAll(async () => {
    // A working copy of this project for the CMS to commit to and rebuild, with a real SMTP sink.
    server = await publishingServer(distDir, 'cms', { mail: true });
    ({ project, running, base } = server);
    sink = server.sink!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in, answers the question in Decap, publishes, and the answer is live', async () => {
    const question = 'Can I plant bulbs in raised beds?';
    expect((await formClient(base, SECRET).post('/faq/ask', { question, email: 'raised.beds@example.com' })).status).toBe(303);

    // The CLI creates the editor and prints a one-time sign-in link. Run without blocking this
    // process: the server under test lives in it, and its store must go on committing meanwhile.
    const { stdout: cli } = await promisify(execFile)(
      process.execPath,
      [path.join(project, 'integrations/rapport/cli/rapport.ts'), 'users', 'add', 'editor@example.com', '--role', 'editor', '--name', 'Edie Tor'],
      {
        cwd: project,
        encoding: 'utf8',
        env: { ...process.env, SITE_URL: base, DATABASE_URL: '' },
      },
    );
    const link = /https?:\/\/\S+\/account\/sign-in\/confirm\?token=[\w-]+/.exec(cli)?.[0];
    expect(link, cli).toBeDefined();

    const context = await browser.newContext();
    page = await context.newPage();
    screenshotOnFailure(page, 'cms-publish');
    page.on('dialog', (dialog) => void dialog.accept()); // Decap asks "Are you sure?" before publishing

    // Not signed in yet: /admin/ sends the visitor to sign in.
    await page.goto(`${base}/admin/`);
    await page.waitForURL(/\/account\/sign-in$/);
    await page.goto(link!);
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/admin\/(#.*)?$/);

    // The question waits in the FAQ list under its filter, its status in words.
    await page.click('a[href="#/collections/faq"]');
    await page.click('text=Filter by');
    await page.click('[role=menuitem]:has-text("Waiting for an answer")');
    await page.click(`text=${question}`);
    await page.waitForSelector('text=Waiting for an answer (not on the site)');
    await shoot(page, 'editor-faq-entry');
    // Category picked from those in use; the one status set to published.
    await page.focus('input[id^="category-field"]');
    await page.keyboard.type('Plant');
    await page.click('[class*="option"]:text-is("Planting")');
    await page.focus('input[id^="status-field"]');
    await page.keyboard.type('Published on');
    await page.keyboard.press('Enter');
    await page.click('[data-slate-editor]');
    await page.keyboard.type('Yes: raised beds drain well, which bulbs love.');
    await page.click('button:text-is("Save")');
    await page.waitForSelector('text=Changes saved');
    // No second status to move: Decap's is already Ready, so Publish goes through.
    await page.waitForSelector('text=Status: Ready');
    await page.click('text=Publish');
    await page.click('text=Publish now');
    await page.waitForSelector('text=Entry published', { timeout: 30_000 });

    // Committed by the editor, then built and switched in.
    const log = execFileSync('git', ['log', '-3', '--format=%an|%s'], { cwd: project, encoding: 'utf8' });
    expect(log).toMatch(/^Edie Tor\|Publish faq\/can-i-plant-bulbs-in-raised-beds/);
    await waitFor(() => (running.publishing?.status.state === 'live' ? true : undefined), 'the new build to go live', 180_000);
    console.log(`Publish to live on the reference site: ${running.publishing!.status.seconds} s`);
    const faq = await raw(`${base}/faq/`);
    expect(faq.text).toContain(question);
    const answer = await raw(`${base}/faq/can-i-plant-bulbs-in-raised-beds/`);
    expect(answer.text).toContain('raised beds drain well');
    const mail = await waitFor(
      () => sink.received.find((m) => m.to.includes('raised.beds@example.com') && m.parsed.subject === 'Your question is answered'),
      'the answer mail',
    );
    expect(mail.parsed.text).toContain('/faq/can-i-plant-bulbs-in-raised-beds/');

    // The privacy settings are an entry like any other: Settings → Privacy statement opens with the file's values.
    await page.goto(`${base}/admin/`);
    await page.click('a[href="#/collections/settings"]');
    await page.click('text=Privacy statement');
    await page.waitForSelector('text=Takes effect on');
    await page.waitForFunction(() => [...document.querySelectorAll('input')].some((i) => i.value === 'Chinook Bulb Farm Ltd.'), undefined, { timeout: 30_000 });
    expect(await page.locator('text=Canada: anti-spam law (CASL) for commercial e-mail').count()).toBeGreaterThan(0);
    await page.click('text=Retention periods');
    await shoot(page, 'editor-privacy-settings');

    // A draft deleted in the CMS: the question stays in the console, which writes the draft again.
    const other = 'Do squirrels dig up crocus bulbs?';
    expect((await formClient(base, SECRET).post('/faq/ask', { question: other, details: 'They ate all of mine.' })).status).toBe(303);
    const asked = await waitFor(async () => {
      const row = await running.store.db.selectFrom('faq_questions').select(['id', 'entry_slug']).where('question', '=', other).executeTakeFirst();
      return row?.entry_slug ? row : undefined;
    }, 'the second draft');
    // A fresh load: Decap keeps the last entry's form when only the address's #fragment changes.
    await page.goto(`${base}/admin/#/collections/faq/entries/${asked.entry_slug}`);
    await page.reload();
    await page.waitForSelector('text=Waiting for an answer (not on the site)');
    await page.click('text=Delete published entry');
    // The reference site is in two languages: the draft is its default language's file.
    const draft = path.join(project, 'content', 'faq', `${asked.entry_slug}.en.md`);
    await waitFor(() => (existsSync(draft) ? undefined : true), 'the draft deleted');
    await page.goto(`${base}/admin/crm/questions/${asked.id}`);
    expect(await page.textContent('main')).toContain('They ate all of mine.');
    await page.click('button:text-is("Write the draft again")');
    await page.waitForSelector('text=The draft is written again');
    expect(existsSync(draft)).toBe(true);
    await page.click(`a:has-text("Open “${asked.entry_slug}” in the content manager")`);
    await page.waitForSelector('text=Waiting for an answer (not on the site)');
    await context.close();
  });
});
