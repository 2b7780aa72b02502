import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { openStore } from '../../integrations/rapport/core/store/open-store.ts';
import { workingCopyDrafts } from '../../integrations/rapport/features/faq/drafts.ts';
import { Repo } from '../../integrations/rapport/internal/git.ts';
import { ContentConflict, ContentUnavailable, SharedRepo } from '../../integrations/rapport/internal/shared-repo.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { LISTENER_NAME, sharedContentFromEnv, startSharedContent } from '../../integrations/rapport/server/shared-content.ts';
import { formClient, raw } from '../helpers/form-client.ts';
import { copyOfSeed, ownCopyOfBuild } from '../helpers/questions-site.ts';
import { waitFor } from '../helpers/smtp-sink.ts';
import { pgAdmin } from '../helpers/pg-admin.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = (statement: string) => pgAdmin(DATABASE_URL, statement);
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();

/**
 * Three servers on one PostgreSQL schema and one bare repository, each on its own clone (cloned
 * at start): A where the editor works, B told by NOTIFY, C with NOTIFY off that finds new
 * commits by its periodic fetch. Only B builds (A's and C's builds are scheduled a long way off),
 * so the test costs one publish (the fixture's build is shared: test/global-setup.ts).
 */
describe('content shared through Git by several servers', () => {
  const schema = `rapport_shared_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let fixtures: string;
  let bare: string;
  let build: Awaited<ReturnType<typeof ownCopyOfBuild>>;
  const servers: Record<'a' | 'b' | 'c', RunningServer> = {} as never;
  const clones: Record<'a' | 'b' | 'c', string> & Record<string, string> = {} as never;
  const cookies: string[] = [];
  const base = (name: 'a' | 'b' | 'c') => serverUrl(servers[name].server);
  const cms = async (server: 'a' | 'b' | 'c', editor: number, action: string, params: Record<string, unknown>) => {
    const answer = await raw(`${base(server)}/admin/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base(server), cookie: cookies[editor]! },
      body: JSON.stringify({ action, params: { branch: 'main', ...params } }),
    });
    return { status: answer.status, body: JSON.parse(answer.text) as any };
  };
  const shared = (...args: string[]) => git(bare, ...args);

  beforeAll(async () => {
    process.env.FIXTURE_CMS = '1'; // for the servers' own builds
    // The shared build of the fixture serves, made before its content was first committed (it records
    // no commit); a copy of its own, since the last test changes the commit it records. The seed is the
    // site as that build left it; the site's astro.config.mjs finds Rapport three folders up: the copy
    // and every clone sit in .rapport/fixtures/.
    const built = inject('questionsCmsBuild');
    build = await ownCopyOfBuild(built.outDir);
    const seed = await copyOfSeed(built.seed, 'shared');
    fixtures = seed;
    git(seed, 'init', '--quiet', '--initial-branch=main');
    // The build recorded the privacy statement's first version: it belongs to the shared content.
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'site');
    bare = await mkdtemp(path.join(os.tmpdir(), 'rapport-shared-'));
    execFileSync('git', ['clone', '--quiet', '--bare', seed, path.join(bare, 'site.git')]);
    bare = path.join(bare, 'site.git');
    await admin(`CREATE SCHEMA ${schema}`);
    const start = (name: 'a' | 'b' | 'c', content: { notify: boolean; fetchEveryMs: number }, publishDebounceMs: number) => {
      clones[name] = `${seed}-${name}`;
      return startServer({
        distDir: build.outDir,
        port: 0,
        host: '127.0.0.1',
        store: { databaseUrl: DATABASE_URL, schema },
        secret: SECRET,
        projectRoot: clones[name],
        publishDebounceMs,
        sharedContent: { url: bare, ...content },
      });
    };
    const never = 3_600_000;
    servers.a = await start('a', { notify: true, fetchEveryMs: never }, never);
    servers.b = await start('b', { notify: true, fetchEveryMs: never }, 100);
    servers.c = await start('c', { notify: false, fetchEveryMs: 300 }, never);
    for (const email of ['one@questions.example', 'two@questions.example']) {
      const contact = await upsertContact(servers.a.store.db, { email, name: email, kind: 'partner' });
      const id = randomUUID();
      await servers.a.store.db.insertInto('accounts').values({ id, contact_id: contact.id, role: 'editor', created_at: new Date().toISOString() }).execute();
      cookies.push(`${SESSION_COOKIE}=${await createSession(servers.a.store.db, id)}`);
    }
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s?.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await build?.cleanup();
    for (const dir of [fixtures, ...Object.values(clones), bare && path.dirname(bare)]) if (dir) await rm(dir, { recursive: true, force: true });
    delete process.env.FIXTURE_CMS;
  });

  it('clones the shared repository for each server at start', () => {
    for (const name of ['a', 'b', 'c'] as const) expect(git(clones[name], 'rev-parse', 'HEAD')).toBe(shared('rev-parse', 'main'));
  });

  it('shows the CMS on one server the workflow entries made on another, and refuses the second of two editors changing the same entry', async () => {
    const file = 'content/faq/when-do-seeds-ship.md';
    const slug = 'when-do-seeds-ship';
    const persist = (server: 'a' | 'b', editor: number, raw: string) =>
      cms(server, editor, 'persistEntry', {
        entry: { slug, path: file, raw },
        assets: [],
        options: { collectionName: 'faq', commitMessage: `Edit by ${editor}`, useWorkflow: true, status: 'draft' },
      });
    const original = (await cms('a', 0, 'getEntry', { path: file })).body.data as string;
    expect((await cms('b', 1, 'getEntry', { path: file })).body.data).toBe(original);
    // Both editors opened the live entry; the first to save on A makes the unpublished entry.
    expect((await persist('a', 0, original.concat('\nEditor one was here.\n'))).status).toBe(200);
    expect(shared('for-each-ref', '--format=%(refname)', 'refs/heads/cms/')).toBe('refs/heads/cms/faq/when-do-seeds-ship');
    // B lists it (told by NOTIFY, else fetching before it answers a read), with its status, as A does.
    await waitFor(
      async () => ((await cms('b', 1, 'unpublishedEntries', {})).body.includes('faq/when-do-seeds-ship') ? true : undefined),
      'B to list the entry',
    );
    expect((await cms('b', 1, 'unpublishedEntry', { collection: 'faq', slug })).body.status).toBe(
      (await cms('a', 0, 'unpublishedEntry', { collection: 'faq', slug })).body.status,
    );
    // A status set on one server is the status on the other.
    expect((await cms('a', 0, 'updateUnpublishedEntryStatus', { collection: 'faq', slug, newStatus: 'pending_review' })).status).toBe(200);
    await waitFor(
      async () => ((await cms('b', 1, 'unpublishedEntry', { collection: 'faq', slug })).body.status === 'pending_review' ? true : undefined),
      'B to show the new status',
    );
    // The second editor saves over the live version they opened: a conflict, and editor one's text stays.
    const second = await persist('b', 1, original.concat('\nEditor two was here.\n'));
    expect(second.status).toBe(409);
    expect(second.body.error).toMatch(/already exists|changed by someone else|another server/);
    // Having read the unpublished entry, editor two saves on B; editor one, who has not seen that save, is refused on A.
    const onBranch = (await cms('b', 1, 'unpublishedEntryDataFile', { collection: 'faq', slug, path: file })).body.data as string;
    expect(onBranch).toContain('Editor one was here.');
    expect((await persist('b', 1, onBranch.concat('Editor two agrees.\n'))).status).toBe(200);
    const stale = await persist('a', 0, original.concat('\nEditor one again.\n'));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toContain('changed by someone else since you opened it');
    const kept = shared('show', `refs/heads/cms/faq/${slug}:${file}`);
    expect(kept).toContain('Editor one was here.');
    expect(kept).toContain('Editor two agrees.');
    expect(kept).not.toContain('Editor one again.');
    // Tidy: the entry is withdrawn (on A), and gone from B's list.
    expect((await cms('a', 0, 'deleteUnpublishedEntry', { collection: 'faq', slug })).status).toBe(200);
    await waitFor(async () => ((await cms('b', 1, 'unpublishedEntries', {})).body.length === 0 ? true : undefined), 'B to drop the entry');
  });

  it('takes a question asked on B to the CMS on A, and A’s published answer live on B (NOTIFY) and to C’s copy (periodic fetch)', async () => {
    const question = 'Can I sow peas in autumn?';
    expect((await formClient(base('b'), SECRET).post('/faq/ask', { question, email: 'asker@example.com' })).status).toBe(303);
    const listed = await waitFor(
      async () =>
        (
          (await cms('a', 0, 'entriesByFolder', { folder: 'content/faq', extension: 'md', depth: 1 })).body as Array<{ data: string; file: { path: string } }>
        ).find((e) => e.data.includes(question)),
      'the question drafted on B in the CMS on A',
    );
    const file = listed.file.path;
    const slug = path.posix.basename(file, '.md');
    expect(shared('log', '-1', '--format=%s', 'main', '--', file)).toContain('FAQ: new visitor question');
    // A hidden draft is no reason to build: C took the commit and builds nothing, nor does B, which pushed it.
    const drafted = shared('rev-parse', 'main');
    await waitFor(() => (git(clones.c, 'rev-parse', 'HEAD') === drafted ? true : undefined), 'C to fetch the draft');
    await servers.c.sharedContent!.refresh(); // the fetch that brought it has finished with it
    expect(servers.c.publishing!.status.state).toBe('idle');
    expect(servers.b.publishing!.status.state).toBe('idle');
    const answered = `${listed.data.replace('category: Unsorted', 'category: Sowing').replace('status: pending_review', 'status: published')}\nIn mild places, yes: sow in October and the peas crop early.\n`;
    const saved = await cms('a', 0, 'persistEntry', {
      entry: { slug, path: file, raw: answered },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'Answer', useWorkflow: true, status: 'pending_review' },
    });
    expect(saved.status).toBe(200);
    expect((await cms('a', 0, 'publishUnpublishedEntry', { collection: 'faq', slug })).status).toBe(200);
    const published = shared('rev-parse', 'main');
    expect(git(clones.a, 'rev-parse', 'HEAD')).toBe(published);
    // B heard of it at once (its own fetch runs hourly) and builds it as a publish of its own.
    await waitFor(() => (git(clones.b, 'rev-parse', 'HEAD') === published ? true : undefined), 'B to take the published commit', 5_000);
    // C, with NOTIFY off, fetched it and scheduled the same build.
    await waitFor(() => (git(clones.c, 'rev-parse', 'HEAD') === published ? true : undefined), 'C to fetch the published commit', 5_000);
    await servers.c.sharedContent!.refresh();
    expect(servers.c.publishing!.status.state).toBe('scheduled');
    await waitFor(() => (servers.b.publishing!.status.state === 'live' ? true : undefined), 'B’s new build to go live', 150_000);
    console.log(`Published on A, live on B: ${servers.b.publishing!.status.seconds} s`);
    const page = await raw(`${base('b')}/faq/${slug}/`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('the peas crop early');
    // A scheduled its own build but has not made it: its page is still the old build's.
    expect((await raw(`${base('a')}/faq/${slug}/`)).status).toBe(404);
  });

  it('builds at start what the shared repository holds when the build it was given was made from another commit', async () => {
    const info = path.join(build.outDir, 'server', 'rapport.json');
    const original = await readFile(info, 'utf8');
    const startWith = async (commit: string, name: string) => {
      await writeFile(info, JSON.stringify({ ...JSON.parse(original), commit }));
      clones[name] = `${fixtures}-${name}`;
      return startServer({
        distDir: build.outDir,
        port: 0,
        host: '127.0.0.1',
        store: { databaseUrl: DATABASE_URL, schema },
        secret: SECRET,
        projectRoot: `${fixtures}-${name}`,
        publishDebounceMs: 3_600_000,
        sharedContent: { url: bare, notify: false },
      });
    };
    const behind = await startWith(shared('rev-list', '--max-parents=0', 'main'), 'behind');
    const current = await startWith(shared('rev-parse', 'main'), 'current').finally(() => writeFile(info, original));
    try {
      expect(behind.publishing!.status.state).toBe('scheduled');
      expect(current.publishing!.status.state).toBe('idle');
    } finally {
      await behind.close();
      await current.close();
    }
  });
});

/** Two working copies of one bare repository, without servers or builds: how writes race. */
describe('a shared content repository under concurrent writes', () => {
  let dir: string;
  let bare: string;
  const seen: string[] = [];
  const open = (name: string) =>
    SharedRepo.open({ url: bare, dir: path.join(dir, name), branch: 'main', log: () => undefined, onLive: (c) => seen.push(`${name} ${c}`) });
  const edit = (copy: SharedRepo, file: string, text: string) => async () => {
    await writeFile(path.join(copy.dir, file), text);
    git(copy.dir, 'add', file);
    git(copy.dir, 'commit', '--quiet', '-m', `Edit ${file}`);
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-shared-race-'));
    const seed = path.join(dir, 'seed');
    await mkdir(seed);
    git(seed, 'init', '--quiet', '--initial-branch=main');
    await writeFile(path.join(seed, 'one.md'), 'one\n');
    await writeFile(path.join(seed, 'two.md'), 'two\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'seed');
    bare = path.join(dir, 'shared.git');
    execFileSync('git', ['clone', '--quiet', '--bare', seed, bare]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const shared = (...args: string[]) => git(bare, ...args);

  it('puts a commit on top of another server’s that changed other files, and refuses one that changed the same file', async () => {
    const a = await open('a');
    const b = await open('b');
    // A pushes while B is committing: B's commit touches another file, so it goes on top of A's.
    await b.write(async () => {
      await a.write(edit(a, 'one.md', 'one, by A\n'));
      await edit(b, 'two.md', 'two, by B\n')();
    });
    expect(git(bare, 'show', 'main:one.md')).toBe('one, by A');
    expect(git(bare, 'show', 'main:two.md')).toBe('two, by B');
    expect(git(b.dir, 'rev-parse', 'HEAD')).toBe(git(bare, 'rev-parse', 'main'));
    expect(seen).toContain(`b ${git(bare, 'rev-parse', 'main')}`);
    // The same file changed on both: B's write is refused and B's copy is the shared one again.
    const refused = b.write(async () => {
      await a.write(edit(a, 'two.md', 'two, by A\n'));
      await edit(b, 'two.md', 'two, by B again\n')();
    });
    await expect(refused).rejects.toThrow(ContentConflict);
    await expect(refused).rejects.toThrow('two.md was changed on another server at the same time');
    expect(git(bare, 'show', 'main:two.md')).toBe('two, by A');
    expect(await readFile(path.join(b.dir, 'two.md'), 'utf8')).toBe('two, by A\n');
    expect(git(b.dir, 'status', '--porcelain')).toBe('');
    // The same change made on both sides is no conflict (every server records the same privacy version).
    await b.write(async () => {
      await a.write(edit(a, 'one.md', 'one, agreed\n'));
      await edit(b, 'one.md', 'one, agreed\n')();
    });
    expect(git(bare, 'show', 'main:one.md')).toBe('one, agreed');
    // Publishing (merging a workflow branch, deleting it) while A changed another file: merged on top of A's commit.
    await b.write(() =>
      b.repo.commitToBranch('cms/faq/two', 'main', new Map([['two.md', Buffer.from('two, reviewed\n')]]), 'Review', { name: 'B', email: 'b@b' }),
    );
    await b.write(async () => {
      await a.write(edit(a, 'one.md', 'one, meanwhile\n'));
      git(b.dir, 'merge', '--quiet', '--no-ff', '--no-edit', 'refs/heads/cms/faq/two');
      await b.repo.deleteBranch('cms/faq/two');
    });
    expect(git(bare, 'show', 'main:one.md')).toBe('one, meanwhile');
    expect(git(bare, 'show', 'main:two.md')).toBe('two, reviewed');
    expect(git(bare, 'for-each-ref', 'refs/heads/cms/')).toBe('');
  });

  it('takes every write of three servers writing different files at once', async () => {
    const copies = await Promise.all(['burst-a', 'burst-b', 'burst-c'].map(open));
    await Promise.all(copies.flatMap((copy, c) => [0, 1, 2, 3, 4].map((n) => copy.write(edit(copy, `burst-${c}-${n}.md`, `${c}.${n}\n`)))));
    const files = shared('ls-tree', '--name-only', 'main').split('\n');
    expect(files.filter((f) => f.startsWith('burst-'))).toHaveLength(15);
    for (const copy of copies) await copy.refresh();
    for (const copy of copies) expect(git(copy.dir, 'rev-parse', 'HEAD')).toBe(shared('rev-parse', 'main'));
  });

  it('keeps nothing of a write the shared repository did not take (away), and takes writes again when it is back', async () => {
    const a = await open('away-a');
    const before = git(a.dir, 'rev-parse', 'HEAD');
    const refused = a.write(async () => {
      await edit(a, 'one.md', 'one, never pushed\n')();
      await rename(bare, `${bare}.away`);
    });
    await expect(refused).rejects.toThrow(ContentUnavailable);
    await rename(`${bare}.away`, bare);
    expect(git(a.dir, 'rev-parse', 'HEAD')).toBe(before);
    expect(await readFile(path.join(a.dir, 'one.md'), 'utf8')).not.toContain('never pushed');
    expect(git(a.dir, 'status', '--porcelain')).toBe('');
    await a.write(edit(a, 'one.md', 'one, pushed\n'));
    expect(git(bare, 'show', 'main:one.md')).toBe('one, pushed');
  });

  it('shares the unpublished entries a server had before it shared its content, with their status', async () => {
    const own = path.join(dir, 'one-server');
    execFileSync('git', ['clone', '--quiet', bare, own]);
    const repo = new Repo(own);
    await repo.commitToBranch('cms/faq/peas', 'main', new Map([['two.md', Buffer.from('two, unpublished\n')]]), 'Draft', { name: 'E', email: 'e@e' });
    await repo.setDescription('cms/faq/peas', 'decap-cms/pending_review');
    const copy = await open('one-server');
    expect(git(bare, 'show', 'refs/heads/cms/faq/peas:two.md')).toBe('two, unpublished');
    expect(git(bare, 'cat-file', 'blob', 'refs/cms-status/faq/peas')).toBe('decap-cms/pending_review');
    expect(git(copy.dir, 'rev-parse', 'refs/heads/cms/faq/peas')).toBe(git(bare, 'rev-parse', 'refs/heads/cms/faq/peas'));
    await copy.write(() => new Repo(copy.dir).deleteBranch('cms/faq/peas').then(() => git(copy.dir, 'update-ref', '-d', 'refs/cms-status/faq/peas')));
    expect(git(bare, 'for-each-ref', 'refs/heads/cms/', 'refs/cms-status/')).toBe('');
  });

  it('drafts a visitor’s question once when two servers draft it, one after the other or at the same moment', async () => {
    const a = await open('drafts-a');
    const b = await open('drafts-b');
    const drafts = (copy: SharedRepo) => workingCopyDrafts(path.join(copy.dir, 'faq'), () => undefined, copy);
    const first = { question: 'Do peas need support?', submission: 'q-1', updated: new Date('2026-11-30T10:00:00Z') };
    expect(await drafts(a).create(first)).toBe('do-peas-need-support');
    expect(await drafts(b).create(first)).toBe('do-peas-need-support');
    const second = { question: 'Can peas grow in pots?', submission: 'q-2', updated: new Date('2026-11-30T10:00:00Z') };
    expect(await Promise.all([drafts(a).create(second), drafts(b).create(second)])).toEqual(['can-peas-grow-in-pots', 'can-peas-grow-in-pots']);
    // Another question with the same words is another entry.
    expect(await drafts(b).create({ ...first, submission: 'q-3' })).toBe('do-peas-need-support-2');
    expect(shared('ls-tree', '--name-only', 'main', 'faq/').split('\n')).toEqual([
      'faq/can-peas-grow-in-pots.md',
      'faq/do-peas-need-support-2.md',
      'faq/do-peas-need-support.md',
    ]);
  });

  it('tells the other servers by NOTIFY, and hears again after its listening connection was cut', async () => {
    const store = openStore({ databaseUrl: DATABASE_URL });
    const lives: string[] = [];
    let heard = 0;
    const x = await startSharedContent(
      { url: bare, projectRoot: path.join(dir, 'listen-x'), branch: 'main', fetchEveryMs: 3_600_000, notify: true },
      { store, databaseUrl: DATABASE_URL, log: () => undefined, onLive: () => undefined },
    );
    const y = await startSharedContent(
      { url: bare, projectRoot: path.join(dir, 'listen-y'), branch: 'main', fetchEveryMs: 3_600_000, notify: true },
      { store, databaseUrl: DATABASE_URL, log: (m) => lives.push(m), onLive: () => heard++ },
    );
    try {
      await x.repo.write(edit(x.repo, 'one.md', 'one, noticed\n'));
      await waitFor(() => (heard === 1 ? true : undefined), 'Y to hear of the commit');
      expect(git(y.repo.dir, 'show', 'HEAD:one.md')).toBe('one, noticed');
      // The database drops the listening connection; it comes back by itself.
      await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '${LISTENER_NAME} ${process.pid}'`);
      await waitFor(() => (lives.some((m) => m.includes('is back')) ? true : undefined), 'the listener to come back');
      await x.repo.write(edit(x.repo, 'one.md', 'one, noticed again\n'));
      await waitFor(() => (git(y.repo.dir, 'show', 'HEAD:one.md') === 'one, noticed again' ? true : undefined), 'Y to hear of the second commit');
    } finally {
      await x.close();
      await y.close();
      await store.close();
    }
  });
});

describe('RAPPORT_CONTENT_* settings', () => {
  it('reads the shared repository, the clone, the fetch interval and NOTIFY from the environment, and refuses a bad interval', () => {
    expect(sharedContentFromEnv({})).toBeUndefined();
    expect(sharedContentFromEnv({ RAPPORT_CONTENT_REPO: '  ' })).toBeUndefined();
    expect(sharedContentFromEnv({ RAPPORT_CONTENT_REPO: '/srv/content.git' })).toEqual({
      url: '/srv/content.git',
      dir: undefined,
      fetchEveryMs: 60_000,
      notify: true,
    });
    expect(
      sharedContentFromEnv({
        RAPPORT_CONTENT_REPO: 'git@content.internal:/srv/content.git',
        RAPPORT_CONTENT_DIR: '/srv/rapport/site',
        RAPPORT_CONTENT_FETCH_SECONDS: '15',
        RAPPORT_CONTENT_NOTIFY: '0',
      }),
    ).toEqual({ url: 'git@content.internal:/srv/content.git', dir: '/srv/rapport/site', fetchEveryMs: 15_000, notify: false });
    expect(() => sharedContentFromEnv({ RAPPORT_CONTENT_REPO: '/srv/content.git', RAPPORT_CONTENT_FETCH_SECONDS: 'soon' })).toThrowErrorMatchingInlineSnapshot(
      `[Error: RAPPORT_CONTENT_FETCH_SECONDS must be a number of seconds (1 or more), got "soon".]`,
    );
  });
});
