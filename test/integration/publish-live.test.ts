import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, raw } from '../helpers/form-client.ts';
import { copyOfSeed, fixtureFiles } from '../helpers/questions-site.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';

describe('publish to live: the CMS publishes, the site rebuilds into a fresh folder and switches', () => {
  let site: string;
  let distDir: string;
  let running: RunningServer;
  let base: string;
  let cookie: string;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  const cms = async (action: string, params: Record<string, unknown>, withCookie = true) => {
    const answer = await raw(`${base}/admin/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...(withCookie ? { cookie } : {}) },
      body: JSON.stringify({ action, params: { branch: 'main', ...params } }),
    });
    return { status: answer.status, body: JSON.parse(answer.text) as any };
  };

  beforeAll(async () => {
    process.env.FIXTURE_CMS = '1'; // for the server's own builds
    // The shared build of the fixture serves; its seed is the site as built in place, so the privacy
    // history it recorded is not committed yet, as when a site is committed, then built.
    const shared = inject('questionsCmsBuild');
    distDir = shared.outDir;
    site = await copyOfSeed(shared.seed, 'publish');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', ...args], { cwd: site, stdio: 'pipe' });
    git('init', '--quiet', '--initial-branch=main');
    git('add', '--', ...fixtureFiles());
    git('commit', '--quiet', '-m', 'site');
    sink = await smtpSink();
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: { sqliteFile: path.join(site, 'var', 'crm.sqlite') },
      secret: SECRET,
      projectRoot: site,
      publishDebounceMs: 100,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100 },
    });
    base = serverUrl(running.server);
    const contact = await upsertContact(running.store.db, { email: 'editor@questions.example', name: 'Edie Tor', kind: 'partner' });
    const id = crypto.randomUUID();
    await running.store.db.insertInto('accounts').values({ id, contact_id: contact.id, role: 'editor', created_at: new Date().toISOString() }).execute();
    cookie = `${SESSION_COOKIE}=${await createSession(running.store.db, id)}`;
  });
  afterAll(async () => {
    await running?.close();
    await sink?.close();
    await rm(site, { recursive: true, force: true });
    delete process.env.FIXTURE_CMS;
  });

  it('takes a visitor question from the FAQ list to the live FAQ, and tells the asker', async () => {
    expect((await raw(`${base}/admin/`)).status).toBe(200);
    const question = 'Can I save seeds from my own peas?';
    expect((await formClient(base, SECRET).post('/faq/ask', { question, email: 'asker@example.com' })).status).toBe(303);
    // The question waits in the FAQ collection (live branch, status "waiting"), hidden from the site.
    const listed = await waitFor(
      async () =>
        ((await cms('entriesByFolder', { folder: 'content/faq', extension: 'md', depth: 1 })).body as Array<{ data: string; file: { path: string } }>).find(
          (e) => e.data.includes(question),
        ),
      'the question in the FAQ list',
    );
    const file = listed.file.path;
    const slug = path.posix.basename(file, '.md');
    const draft = listed.data;
    const answered = `${draft.replace('category: Unsorted', 'category: Sowing').replace('status: pending_review', 'status: published')}\nYes: let the pods dry on the plant, then store the seeds somewhere cool and dry.\n`;
    expect(
      (
        await cms('persistEntry', {
          entry: { slug, path: file, raw: answered },
          assets: [],
          options: { collectionName: 'faq', commitMessage: 'Answer', useWorkflow: true, status: 'pending_review' },
        })
      ).status,
    ).toBe(200);
    // The entry's own status is the one that counts: Decap's workflow status starts "Ready".
    expect((await cms('unpublishedEntry', { collection: 'faq', slug })).body.status).toBe('pending_publish');
    expect((await raw(`${base}/faq/${slug}/`)).status).toBe(404);

    expect((await cms('publishUnpublishedEntry', { collection: 'faq', slug })).status).toBe(200);
    await waitFor(() => (running.publishing!.status.state === 'live' ? true : undefined), 'the new build to go live', 120_000);
    console.log(`Publish to live on the fixture site: ${running.publishing!.status.seconds} s`);
    const page = await raw(`${base}/faq/${slug}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('let the pods dry on the plant');
    expect((await raw(`${base}/faq/`)).text).toContain(`/faq/${slug}/`);
    expect((await raw(`${base}/search?q=save+seeds`)).text).toContain(`/faq/${slug}/`);
    const mail = await waitFor(
      () => sink.received.find((m) => m.to.includes('asker@example.com') && m.parsed.subject === 'Your question is answered'),
      'the answer mail',
    );
    expect(mail.parsed.text).toContain(`https://questions.example/faq/${slug}/`);
  });

  it('takes an editor’s change to the privacy settings live: a new version with what changed, recorded with new consents', async () => {
    const statement = async () => load((await raw(`${base}/privacy/`)).text);
    const versionOf = ($: Awaited<ReturnType<typeof statement>>) => /version (\S+\+[0-9a-f]{8})/.exec($('main').text())?.[1];
    const before = versionOf(await statement());
    expect(before).toBeDefined();
    const file = 'content/settings/privacy.md';
    const settings = (await readFile(path.join(site, file), 'utf8')).replace('jurisdictions: [pipeda, casl]', 'jurisdictions: [pipeda, casl, gdpr]');
    expect((await cms('getEntry', { path: file })).status).toBe(200); // as Decap does: read, then save over what was read
    const saved = await cms('persistEntry', {
      entry: { slug: 'privacy', path: file, raw: settings },
      assets: [],
      options: { collectionName: 'settings', commitMessage: 'Privacy: we now sell to the EU', useWorkflow: false },
    });
    expect(saved.status).toBe(200);
    await waitFor(
      async () => (versionOf(await statement()) !== before && running.publishing!.status.state === 'live' ? true : undefined),
      'the new statement to go live',
      120_000,
    );
    const $ = await statement();
    const after = versionOf($)!;
    expect(after.split('+')[0]).toBe(before!.split('+')[0]); // same effective date, new content
    expect($('.privacy-latest').text()).toContain('Added: what European Union and United Kingdom: GDPR gives you.');
    expect($('section[data-jurisdiction="gdpr"]')).toHaveLength(1);
    // The history is committed with the content; a consent given now records the new version.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: site, encoding: 'utf8' }).trim();
    expect(git('log', '-1', '--format=%s', '--', 'content/settings/privacy-history.json')).toBe(`Privacy statement: version ${after}`);
    expect(git('status', '--porcelain', '--', 'content/settings')).toBe('');
    expect((await formClient(base, SECRET).post('/faq/ask', { question: 'Can I sow these seeds in pots indoors?', email: 'gdpr@example.com' })).status).toBe(
      303,
    );
    const consent = await running.store.db
      .selectFrom('consent_ledger')
      .innerJoin('contacts', 'contacts.id', 'contact_id')
      .select('policy_version')
      .where('email', '=', 'gdpr@example.com')
      .executeTakeFirstOrThrow();
    expect(consent.policy_version).toBe(after);
  });

  it('keeps the live site as it was when a build fails, and shows editors the log', async () => {
    const before = running.publishing!.status.live;
    const bad = '---\nquestion: Short?\ncategory: Sowing\nstatus: published\nupdated: 2026-03-02\n---\n\nToo short a question for the schema.\n';
    expect(
      (
        await cms('persistEntry', {
          entry: { slug: 'short', path: 'content/faq/short.md', raw: bad },
          assets: [],
          options: { collectionName: 'faq', commitMessage: 'Bad entry', useWorkflow: false },
        })
      ).status,
    ).toBe(200);
    await waitFor(() => (running.publishing!.status.state === 'failed' ? true : undefined), 'the build to fail', 120_000);
    expect(running.publishing!.status.live).toBe(before);
    expect(running.publishing!.status.log).toMatch(/short\.md|question/);
    expect((await raw(`${base}/`)).status).toBe(200);
    const status = await raw(`${base}/admin/status`, { headers: { cookie } });
    expect(status.text).toContain('could not be built');
    expect((await raw(`${base}/admin/status`)).status).toBe(401);
  });
});
