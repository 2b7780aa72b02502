import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { load } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { questionsOf } from '../../integrations/rapport/features/faq/questions.ts';
import { startServer, serverUrl, type RunningServer, type ServeOptions } from '../../integrations/rapport/server/serve.ts';
import { buildSite, jsonLd } from '../helpers/built-site.ts';
import { formClient } from '../helpers/form-client.ts';
import { smtpSink, waitFor } from '../helpers/smtp-sink.ts';
import { drivers } from '../helpers/store-drivers.ts';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const repo = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(repo, 'test/fixtures/questions');

/** The FAQ entry's front matter and body. */
async function readEntry(file: string) {
  const text = await readFile(file, 'utf8');
  const [, front = '', body = ''] = /^---\n([\s\S]*?)\n---\n?([\s\S]*)$/.exec(text) ?? [];
  return { text, data: parse(front) as Record<string, unknown>, body };
}

async function writeEntry(file: string, data: Record<string, unknown>, body: string) {
  const { stringify } = await import('yaml');
  await writeFile(file, `---\n${stringify(data)}---\n\n${body}\n`);
}

describe.each(drivers)('visitor questions on $name: ask → draft → answer → build → e-mail', (driver) => {
  let site: string; // a copy of the fixture: the server writes drafts into its content folder
  let faqDir: string;
  let build: Awaited<ReturnType<typeof buildSite>>;
  let running: RunningServer | undefined;
  let sink: Awaited<ReturnType<typeof smtpSink>>;
  let client: ReturnType<typeof formClient>;
  const mailTo = (address: string) => sink.received.filter((m) => m.to.includes(address));
  const serve = async (extra: Partial<ServeOptions> = {}) => {
    running = await startServer({
      distDir: build.outDir,
      port: 0,
      host: '127.0.0.1',
      store: driver.options(),
      secret: SECRET,
      projectRoot: site,
      mail: { smtpUrl: `smtp://127.0.0.1:${sink.port}`, intervalMs: 100, outbox: { baseDelayMs: 100 } },
      rateLimits: { perIp: { points: 10_000, duration: 600 }, questionsPerIp: { points: 8, duration: 3600 } },
      ...extra,
    });
    client = formClient(serverUrl(running.server), SECRET);
  };
  const rebuild = async () => {
    await running?.close();
    running = undefined;
    await build.cleanup();
    build = await buildSite(site);
    await serve();
  };
  const draftFor = (question: string) =>
    waitFor(async () => {
      for (const file of await readdir(faqDir)) {
        const entry = await readEntry(path.join(faqDir, file));
        if (entry.data.question === question) return { file: path.join(faqDir, file), slug: file.replace(/\.md$/, ''), ...entry };
      }
      return undefined;
    }, `a draft for “${question}”`);

  beforeAll(async () => {
    await driver.setup();
    await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
    site = await mkdtemp(path.join(repo, '.rapport', 'fixtures', 'questions-'));
    await cp(fixture, site, { recursive: true, filter: (src) => !/[/\\](dist|\.astro|node_modules)$/.test(src) });
    faqDir = path.join(site, 'content', 'faq');
    // The content folder is a Git repository: drafts are committed there.
    const git = (...args: string[]) => execFileSync('git', args, { cwd: site, stdio: 'pipe' });
    git('init', '--quiet');
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'add', '.');
    git('-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '--quiet', '-m', 'fixture');
    sink = await smtpSink();
    build = await buildSite(site);
    await serve();
  });
  afterAll(async () => {
    await running?.close();
    await sink?.close();
    await build?.cleanup();
    await driver.teardown();
    await rm(site, { recursive: true, force: true });
  });

  it('shows the answers that may already help before the visitor sends a question', async () => {
    const first = load((await client.get('/faq/ask')).text);
    expect(first('form[method=get][action="/faq/ask"] input[name=question]')).toHaveLength(1);
    expect(first('form[method=post]')).toHaveLength(0);

    const page = await client.get(`/faq/ask?${new URLSearchParams({ question: 'how deep do I sow peas' })}`);
    expect(page.status).toBe(200);
    const $ = load(page.text);
    expect(
      $('#maybe-answered + ol a')
        .map((_, a) => $(a).attr('href'))
        .get(),
    ).toContain('/faq/how-deep-to-sow-peas/');
    expect($('form[method=post][action="/faq/ask"] input[name=question]').attr('value')).toBe('how deep do I sow peas');
  });

  it('refuses empty, overlong and multi-line questions with a message on the field, and stores nothing', async () => {
    const before = Number(
      (
        await running!.store.db
          .selectFrom('faq_questions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    for (const question of ['', 'x'.repeat(10_000), 'Line one of it\nline two']) {
      const answer = await client.post('/faq/ask', { question });
      expect(answer.status).toBe(422);
      const $ = load(answer.text);
      expect($('#question-error, [id$=question-error]').text() || $('.field.invalid').text()).toMatch(/question/i);
    }
    const after = Number(
      (
        await running!.store.db
          .selectFrom('faq_questions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    expect(after).toBe(before);
  });

  it('publishes an answered question, tells the asker once, and shows it on the FAQ, in search and in the JSON-LD', async () => {
    const question = 'Can I sow <b>peas</b> in July on the prairies?';
    const sent = await client.post('/faq/ask', { question, details: 'My garden is at 123 Private Road.', name: 'Ann <script>', email: 'ann@example.com' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe('/faq/ask/sent');
    const ack = await waitFor(() => mailTo('ann@example.com')[0], 'the acknowledgement');
    // Ann's address has confirmed nothing yet: the note says the question arrived, in our words only.
    expect(ack.parsed.html).not.toContain('peas');
    expect(ack.parsed.text).not.toMatch(/peas|\bAnn\b/);
    await waitFor(() => mailTo('shop@questions.example')[0], 'the staff notice');

    // The draft: the question and a reference, status pending_review, nothing personal.
    const draft = await draftFor(question);
    expect(draft.data).toMatchObject({ question, status: 'pending_review', category: 'Unsorted' });
    expect(draft.text).not.toMatch(/ann@example\.com|Ann|Private Road/);
    const row = await running!.store.db.selectFrom('faq_questions').selectAll().where('id', '=', String(draft.data.submission)).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ question, status: 'pending_review', entry_slug: draft.slug, details: 'My garden is at 123 Private Road.' });
    expect(execFileSync('git', ['log', '--format=%an %s', '-1', '--', path.relative(site, draft.file)], { cwd: site, encoding: 'utf8' })).toMatch(
      /^Rapport FAQ: new visitor question/,
    );
    const consent = await running!.store.db.selectFrom('consent_ledger').selectAll().where('purpose', '=', 'faq:answer-notice').execute();
    expect(consent.map((c) => c.source)).toContain('web:/faq/ask');

    // A pending entry is nowhere on the site.
    expect((await client.get(`/faq/${draft.slug}/`)).status).toBe(404);

    // The editor answers it and publishes; the next build is served.
    await writeEntry(
      draft.file,
      { ...draft.data, category: 'Sowing', status: 'published' },
      'Yes: a July sowing of a short variety gives a fall crop before the first frost.',
    );
    await rebuild();
    const mail = await waitFor(() => mailTo('ann@example.com').find((m) => m.parsed.subject === 'Your question is answered'), 'the answer mail');
    expect(mail.parsed.text).toContain(`https://questions.example/faq/${draft.slug}/`);
    expect(mail.parsed.text).toContain('a July sowing of a short variety');
    expect(mail.parsed.html).not.toContain('<b>peas</b>');

    const entryPage = await client.get(`/faq/${draft.slug}/`);
    expect(entryPage.status).toBe(200);
    const $entry = load(entryPage.text);
    expect($entry('h1').text()).toBe(question);
    expect($entry('h1 b')).toHaveLength(0);
    expect(JSON.stringify(jsonLd($entry))).toContain('FAQPage');
    const $faq = load((await client.get('/faq/')).text);
    expect($faq(`a[href="/faq/${draft.slug}/"]`).text()).toBe(question);
    const $search = load((await client.get('/search?q=july+peas')).text);
    expect($search('.results a').first().attr('href')).toBe(`/faq/${draft.slug}/`);

    // Another start on the same build sends nothing new.
    await running!.close();
    await serve();
    await new Promise((r) => setTimeout(r, 500));
    expect(mailTo('ann@example.com').filter((m) => m.parsed.subject === 'Your question is answered')).toHaveLength(1);
    const contact = await running!.store.db.selectFrom('contacts').select('id').where('email', '=', 'ann@example.com').executeTakeFirstOrThrow();
    expect((await questionsOf(running!.store.db, contact.id)).map((q) => q.status)).toEqual(['published']);
  });

  it('tells askers about rejected and merged questions, and never overwrites an entry whose slug is taken', async () => {
    const merged = 'How deep should I sow pea seeds?'; // same words as an existing entry: its slug is taken
    const rejected = 'Where is my order number 4411 from last week?';
    expect((await client.post('/faq/ask', { question: merged, email: 'bo@example.com' })).status).toBe(303);
    expect((await client.post('/faq/ask', { question: rejected, email: 'cy@example.com' })).status).toBe(303);
    const original = await readFile(path.join(faqDir, 'how-deep-to-sow-peas.md'), 'utf8');
    const mergedDraft = await waitFor(
      async () => ((await readdir(faqDir)).includes('how-deep-should-i-sow-pea-seeds.md') ? draftFor(merged) : undefined),
      'the merged draft',
    );
    expect(await readFile(path.join(faqDir, 'how-deep-to-sow-peas.md'), 'utf8')).toBe(original);
    // A second question with the same words gets its own file.
    expect((await client.post('/faq/ask', { question: merged })).status).toBe(303);
    await waitFor(async () => ((await readdir(faqDir)).includes('how-deep-should-i-sow-pea-seeds-2.md') ? true : undefined), 'a second draft beside the first');
    expect((await readEntry(path.join(faqDir, 'how-deep-should-i-sow-pea-seeds-2.md'))).data.submission).not.toBe(mergedDraft.data.submission);

    const rejectedDraft = await draftFor(rejected);
    await writeEntry(mergedDraft.file, { ...mergedDraft.data, status: 'merged', mergedInto: 'how-deep-to-sow-peas' }, '');
    await writeEntry(rejectedDraft.file, { ...rejectedDraft.data, status: 'rejected' }, '');
    await rebuild();
    const toBo = await waitFor(() => mailTo('bo@example.com').find((m) => m.parsed.subject === 'Your question is answered on our FAQ page'), 'the merged mail');
    expect(toBo.parsed.text).toContain('https://questions.example/faq/how-deep-to-sow-peas/');
    const toCy = await waitFor(() => mailTo('cy@example.com').find((m) => m.parsed.subject === 'About your question'), 'the rejected mail');
    expect(toCy.parsed.text).not.toContain('/faq/');
    expect((await client.get('/faq/how-deep-should-i-sow-pea-seeds/')).status).toBe(404);
    const statuses = await running!.store.db
      .selectFrom('faq_questions')
      .select(['question', 'status', 'merged_into'])
      .where('question', 'in', [merged, rejected])
      .where('contact_id', 'is not', null)
      .execute();
    expect(statuses.sort((a, b) => a.question.localeCompare(b.question))).toEqual([
      { question: merged, status: 'merged', merged_into: 'how-deep-to-sow-peas' },
      { question: rejected, status: 'rejected', merged_into: null },
    ]);
  });

  it('limits a flood of questions from one IP address, keeping what was typed', async () => {
    let answer;
    for (let i = 0; i < 12; i++) {
      answer = await client.post('/faq/ask', { question: `Flood question number ${i} about seeds?` });
      if (answer.status === 429) break;
    }
    expect(answer!.status).toBe(429);
    const $ = load(answer!.text);
    expect($('[role=alert], .notice').text()).toMatch(/wait/);
    expect($('input[name=question]').attr('value')).toMatch(/^Flood question number \d+ about seeds\?$/);
  });
});
