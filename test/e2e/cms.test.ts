import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { launchBrowser, screenshotOnFailure, SECRET } from '../helpers/browser.ts';
import { formClient, raw } from '../helpers/form-client.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';

const distDir = inject('referenceBuild');
const repo = path.resolve(import.meta.dirname, '../..');

/**
 * The editor's whole path in real Chromium: signed in with the link `npx rapport users add`
 * prints, they open /admin/, find a visitor's question on Decap's workflow board, answer it, move
 * it to Ready, publish, and the answer is on the live /faq/ after the rebuild.
 */
describe('the CMS in Chromium: a visitor question answered and published by an editor', () => {
  let project: string;
  let running: RunningServer;
  let base: string;
  let browser: Browser;
  let page: Page;
  let sink: Awaited<ReturnType<typeof smtpSink>>;

  beforeAll(async () => {
    // A working copy of this project (its own Git repository) for the CMS to commit to and rebuild.
    await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
    project = await mkdtemp(path.join(repo, '.rapport', 'fixtures', 'cms-'));
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', repo, project]);
    execFileSync('git', ['checkout', '--quiet', '-B', 'main'], { cwd: project });
    await symlink(path.join(repo, 'node_modules'), path.join(project, 'node_modules'), 'dir');
    sink = await smtpSink();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: { sqliteFile: path.join(project, 'var', 'rapport.sqlite') },
      secret: SECRET,
      projectRoot: project,
      publishDebounceMs: 200,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100 },
    });
    base = serverUrl(running.server);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await sink?.close();
    await rm(project, { recursive: true, force: true });
  });

  it('signs in, answers the question in Decap, publishes, and the answer is live', async () => {
    const question = 'Can I plant bulbs in raised beds?';
    expect((await formClient(base, SECRET).post('/faq/ask', { question, email: 'raised.beds@example.com' })).status).toBe(303);

    // The CLI creates the editor and prints a one-time sign-in link.
    const cli = execFileSync(
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
    await page.waitForURL(/\/admin\/$/);

    // Decap's proxy backend shows its own "Login" step; the staff session is what the server checks.
    await page.click('button:text-is("Login")');
    await page.click('text=Workflow');
    await page.click(`text=${question}`);
    await page.fill('input[id^="category-field"]', 'Planting');
    await page.focus('input[id^="status-field"]');
    await page.keyboard.type('published');
    await page.keyboard.press('Enter');
    await page.click('[data-slate-editor]');
    await page.keyboard.type('Yes: raised beds drain well, which bulbs love.');
    await page.click('button:text-is("Save")');
    await page.waitForSelector('text=Changes saved');
    await page.click('text=Status: In review');
    await page.click('text=Ready');
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
    await page.waitForSelector('text=Effective date');
    await page.waitForFunction(() => [...document.querySelectorAll('input')].some((i) => i.value === 'Chinook Bulb Farm Ltd.'), undefined, { timeout: 30_000 });
    expect(await page.locator('text=Canada: anti-spam law (CASL) for commercial e-mail').count()).toBeGreaterThan(0);
    await context.close();
  });
});
