import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openStore, type Store } from '../../integrations/rapport/core/store/open-store.ts';
import { startCluster } from '../../scripts/cluster.mjs';
import { formClient, raw, type Answer } from '../helpers/form-client.ts';
import { copyOfSeed } from '../helpers/questions-site.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';
import { signedIn } from '../helpers/staff.ts';
import { pgAdmin } from '../helpers/pg-admin.ts';

// Three Rapport servers behind HAProxy on one PostgreSQL and one bare Git repository, as
// scripts/cluster.mjs starts them with `content`: each server works on its own clone. Visitors'
// questions asked round robin become one FAQ entry each, whichever servers' jobs draft them; an
// editor's publish through HAProxy goes live on every server, and the asker is told once. A small
// fixture site keeps the builds short: the one served at the start is shared with other suites
// (test/global-setup.ts), then one per server for the publish.

const SECRET = 'cluster-content-secret-0123456789-0123456789';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', ...args], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
const admin = (statement: string) => pgAdmin(DATABASE_URL, statement);
const servedBy = (answer: Answer) => String(answer.headers['x-served-by']);

describe('three servers behind HAProxy sharing their content through one Git repository', () => {
  const schema = `rapport_cluster_content_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let seed = '';
  let bare = '';
  let dir = '';
  let distDir = '';
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let store: Store;
  let client: ReturnType<typeof formClient>;
  const asked: Array<{ question: string; email: string }> = [];
  const shared = (...args: string[]) => git(bare, ...args);

  beforeAll(async () => {
    process.env.FIXTURE_CMS = '1'; // for the servers' own builds
    // The shared build of the fixture serves, made before its content was first committed (it records
    // no commit). Its seed is the site as that build left it; the fixture's astro.config.mjs finds
    // Rapport three folders up: the copy and every server's clone sit in .rapport/fixtures/.
    const built = inject('questionsCmsBuild');
    distDir = built.outDir;
    seed = await copyOfSeed(built.seed, 'cluster');
    git(seed, 'init', '--quiet', '--initial-branch=main');
    // The build recorded the privacy statement's first version: it belongs to the shared content.
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'site');
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-cluster-content-'));
    bare = path.join(dir, 'site.git');
    execFileSync('git', ['clone', '--quiet', '--bare', seed, bare]);
    await admin(`CREATE SCHEMA ${schema}`);
    sink = await smtpSink();
    cluster = await startCluster({
      databaseUrl: DATABASE_URL,
      schema,
      distDir,
      dir,
      secret: SECRET,
      // The safety-net fetch is ten minutes away: a server the editor is not using learns of a publish by NOTIFY.
      content: { repo: bare, dir: (name: string) => `${seed}-${name}`, fetchEveryMs: 600_000 },
      serve: {
        publishDebounceMs: 200,
        rateLimits: { perIp: { points: 100_000, duration: 600 } },
        mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 200 },
      },
    });
    store = openStore({ databaseUrl: DATABASE_URL, schema });
    client = formClient(cluster.url, SECRET);
  });
  afterAll(async () => {
    await cluster?.stop();
    await store?.close();
    await sink?.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    for (const folder of [seed, ...['rapport1', 'rapport2', 'rapport3'].map((name) => `${seed}-${name}`), dir]) {
      if (folder) await rm(folder, { recursive: true, force: true });
    }
    delete process.env.FIXTURE_CMS;
  });

  it('gives each server its own clone of the shared repository', () => {
    const live = shared('rev-parse', 'main');
    for (const server of cluster.servers) expect(git(`${seed}-${server.name}`, 'rev-parse', 'HEAD')).toBe(live);
  });

  it('drafts each question asked round robin once, though every server’s job drafts what is waiting', async () => {
    const tag = randomUUID().slice(0, 6);
    for (const [i, plant] of ['tulips', 'lilies', 'alliums', 'crocuses', 'irises', 'dahlias'].entries()) {
      asked.push({ question: `How deep should I plant ${plant} in clay soil (${tag})?`, email: `asker.${tag}.${i}@example.com` });
    }
    // All at once: each answer's server runs the questions job, so three jobs draft the same waiting questions.
    const answers = await Promise.all(asked.map((q) => client.post('/faq/ask', q)));
    expect(answers.map((a) => a.status)).toEqual(asked.map(() => 303));
    expect(new Set(answers.map(servedBy)).size).toBe(3);
    const rows = await waitFor(
      async () => {
        const found = await store.db
          .selectFrom('faq_questions')
          .select(['id', 'question', 'status', 'entry_slug'])
          .where(
            'question',
            'in',
            asked.map((q) => q.question),
          )
          .execute();
        return found.length === asked.length && found.every((q) => q.status === 'pending_review') ? found : undefined;
      },
      'every question drafted',
      30_000,
    ).catch((error: unknown) => {
      // What the servers said is what tells a lost race from a slow machine.
      const logs = cluster.servers.map((s) => `--- ${s.name}\n${readFileSync(s.log, 'utf8').slice(-3_000)}`).join('\n');
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`);
    });
    // One entry per question in the shared repository's live branch, named as the store says.
    for (const row of rows) {
      const files = shared('grep', '-l', '-F', row.question, 'main', '--', 'content/faq').split('\n').filter(Boolean);
      expect(files, row.question).toEqual([`main:content/faq/${row.entry_slug}.md`]);
    }
  });

  it('records one "drafted" step in each question’s history, whichever server drafted it', async () => {
    const ids = (
      await store.db
        .selectFrom('faq_questions')
        .select('id')
        .where(
          'question',
          'in',
          asked.map((q) => q.question),
        )
        .execute()
    ).map((q) => q.id);
    expect(ids).toHaveLength(asked.length);
    const events = await store.db
      .selectFrom('faq_question_events')
      .select('question_id')
      .where('question_id', 'in', ids)
      .where('status', '=', 'pending_review')
      .execute();
    expect(events.map((e) => e.question_id).sort()).toEqual([...ids].sort());
  });

  it('takes a publish made through HAProxy live on all three servers, and tells the asker once', async () => {
    const { question, email } = asked[0]!;
    const staff = await signedIn(store.db, 'editor');
    // Each CMS call goes to the next server: the workflow entry saved on one is published from another.
    const cms = async (action: string, params: Record<string, unknown>) => {
      const answer = await raw(`${cluster.url}/admin/api/v1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: cluster.url, cookie: staff.cookie },
        body: JSON.stringify({ action, params: { branch: 'main', ...params } }),
      });
      return { status: answer.status, body: JSON.parse(answer.text) as any, by: servedBy(answer) };
    };
    const entries = (await cms('entriesByFolder', { folder: 'content/faq', extension: 'md', depth: 1 })).body as Array<{
      data: string;
      file: { path: string };
    }>;
    const listed = entries.find((e) => e.data.includes(question))!;
    expect(listed).toBeDefined();
    const file = listed.file.path;
    const slug = path.posix.basename(file, '.md');
    for (const server of cluster.servers) expect((await raw(`${server.url}/faq/${slug}/`)).status).toBe(404);
    const answered = `${listed.data.replace('category: Unsorted', 'category: Planting').replace('status: pending_review', 'status: published')}\nSix inches deep, with grit under each bulb so the clay drains.\n`;
    const saved = await cms('persistEntry', {
      entry: { slug, path: file, raw: answered },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'Answer', useWorkflow: true, status: 'pending_review' },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const published = await cms('publishUnpublishedEntry', { collection: 'faq', slug });
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    expect(published.by).not.toBe(saved.by);
    const commit = shared('rev-parse', 'main');
    expect(shared('show', `main:${file}`)).toContain('with grit under each bulb');

    // Every server builds the commit (the one that published it, the others told by NOTIFY) and switches.
    const started = Date.now();
    const statusOf = async (url: string) =>
      JSON.parse((await raw(`${url}/admin/status`, { headers: { cookie: staff.cookie, accept: 'application/json' } })).text) as { state: string };
    const healthOf = async (url: string) => JSON.parse((await raw(`${url}/health`)).text) as { build: { commit: string | null } };
    for (const server of cluster.servers) {
      await waitFor(
        async () => ((await statusOf(server.url)).state === 'live' && (await healthOf(server.url)).build.commit === commit ? true : undefined),
        `${server.name} to serve the published commit`,
        180_000,
      );
    }
    console.log(`cluster: published through HAProxy, live on all three servers ${Math.round((Date.now() - started) / 1000)} s later`);
    for (const server of cluster.servers) {
      const page = await raw(`${server.url}/faq/${slug}/`);
      expect(page.status, server.name).toBe(200);
      expect(page.text).toContain('with grit under each bulb');
      expect((await healthOf(server.url)).build.commit).toBe(commit);
    }

    // Each server ran the questions job after its switch; one told the asker.
    await waitFor(
      async () =>
        (await store.db.selectFrom('mail_outbox').select('id').where('status', 'in', ['pending', 'sending']).execute()).length === 0 ? true : undefined,
      'the outbox to drain',
      15_000,
    );
    const told = sink.received.filter((m) => m.to.includes(email) && m.parsed.subject === 'Your question is answered');
    expect(told).toHaveLength(1);
    expect(told[0]!.parsed.text).toContain(`/faq/${slug}/`);
    const row = await store.db.selectFrom('faq_questions').select(['status', 'notified_at']).where('question', '=', question).executeTakeFirstOrThrow();
    expect(row.status).toBe('published');
    expect(row.notified_at).not.toBeNull();
    // Each server built and switched by itself, and nothing on the way failed (a push refused, a fetch, a build, a job).
    const logs = cluster.servers.map((s) => ({ name: s.name, text: readFileSync(s.log, 'utf8') }));
    for (const log of logs) expect(log.text, log.name).toContain('Published: the new build is live');
    const failures = logs.flatMap((s) =>
      s.text
        .split('\n')
        .filter((line) => /fail|could not|error/i.test(line))
        .map((line) => `${s.name}: ${line}`),
    );
    expect(failures).toEqual([]);
  });
});
