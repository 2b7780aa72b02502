import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSession, SESSION_COOKIE } from '../../integrations/rapport/core/security/sessions.ts';
import { upsertContact } from '../../integrations/rapport/core/store/contacts.ts';
import { startServer, serverUrl, type RunningServer } from '../../integrations/rapport/server/serve.ts';
import { formClient, raw } from '../helpers/form-client.ts';
import { waitFor } from '../helpers/smtp-sink.ts';

const distDir = inject('referenceBuild');
const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const entry = (question: string, extra = '') =>
  `---\nquestion: ${question}\ncategory: Planting\nstatus: published\nupdated: 2026-03-02\n${extra}---\n\nAn answer.\n`;

describe('the CMS backend at /admin/api/v1 (Decap proxy protocol over Git)', () => {
  let project: string;
  let running: RunningServer;
  let base: string;
  const cookies: Record<'editor' | 'other' | 'customer', string> = { editor: '', other: '', customer: '' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: project, encoding: 'utf8' }).trim();
  const call = async (
    action: string,
    params: Record<string, unknown> = {},
    as: keyof typeof cookies | 'nobody' = 'editor',
    headers: Record<string, string> = {},
  ) => {
    const answer = await raw(`${base}/admin/api/v1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...(as === 'nobody' ? {} : { cookie: `${SESSION_COOKIE}=${cookies[as]}` }), ...headers },
      body: JSON.stringify({ action, params: { branch: 'main', ...params } }),
    });
    return { status: answer.status, body: answer.text ? (JSON.parse(answer.text) as any) : undefined };
  };

  beforeAll(async () => {
    project = await mkdtemp(path.join(os.tmpdir(), 'rapport-cms-'));
    await mkdir(path.join(project, 'content', 'faq'), { recursive: true });
    await mkdir(path.join(project, 'content', 'media'), { recursive: true });
    await writeFile(path.join(project, 'content', 'faq', 'first.md'), entry('When should I plant tulips?'));
    await writeFile(path.join(project, 'content', 'faq', 'second.md'), entry('How deep should bulbs go?'));
    await writeFile(path.join(project, 'package.json'), '{"secret": true}\n');
    git('init', '--quiet', '--initial-branch=main');
    git('-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', 'add', '.');
    git('-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', 'commit', '--quiet', '-m', 'content');
    running = await startServer({
      distDir,
      port: 0,
      host: '127.0.0.1',
      store: { sqliteFile: path.join(project, '..', `${path.basename(project)}.sqlite`) },
      secret: SECRET,
      projectRoot: project,
      publishDebounceMs: 60_000,
    });
    base = serverUrl(running.server);
    const db = running.store.db;
    for (const [who, role, name] of [
      ['editor', 'editor', 'Edie Tor'],
      ['other', 'admin', 'Ada Min'],
      ['customer', 'customer', 'Cus Tomer'],
    ] as const) {
      const contact = await upsertContact(db, { email: `${who}@example.com`, name, kind: 'customer' });
      const id = crypto.randomUUID();
      await db.insertInto('accounts').values({ id, contact_id: contact.id, role, created_at: new Date().toISOString() }).execute();
      cookies[who] = await createSession(db, id);
    }
  });
  afterAll(async () => {
    await running?.close();
    await rm(project, { recursive: true, force: true });
    await rm(`${project}.sqlite`, { force: true });
  });

  it('answers 401 to every action without a staff session, and touches nothing', async () => {
    const head = git('rev-parse', 'HEAD');
    const actions = ['info', 'entriesByFolder', 'getEntry', 'persistEntry', 'persistMedia', 'deleteFile', 'publishUnpublishedEntry', 'unpublishedEntries'];
    for (const action of actions) {
      const params = {
        folder: 'content/faq',
        path: 'content/faq/first.md',
        entry: { slug: 'x', path: 'content/faq/x.md', raw: entry('Planted by nobody here?') },
        assets: [],
        options: { collectionName: 'faq', commitMessage: 'x' },
      };
      expect((await call(action, params, 'nobody')).status, action).toBe(401);
      expect((await call(action, params, 'customer')).status, action).toBe(401);
    }
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(path.join(project, 'content/faq/x.md'))).toBe(false);
  });

  it('refuses a request from another site before reading it', async () => {
    const answer = await raw(`${base}/admin/api/v1`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
        cookie: `${SESSION_COOKIE}=${cookies.editor}`,
      },
      body: JSON.stringify({ action: 'deleteFile', params: { branch: 'main', path: 'content/faq/second.md', options: { commitMessage: 'x' } } }),
    });
    expect(answer.status).toBe(403);
    expect(existsSync(path.join(project, 'content/faq/second.md'))).toBe(true);
  });

  it('lists, reads and saves entries, each save a commit by the signed-in editor', async () => {
    expect((await call('info')).body).toMatchObject({ publish_modes: ['simple', 'editorial_workflow'], type: 'local_git' });
    const listed = await call('entriesByFolder', { folder: 'content/faq', extension: 'md', depth: 1 });
    expect(listed.body.map((e: { file: { path: string } }) => e.file.path)).toEqual(['content/faq/first.md', 'content/faq/second.md']);
    expect(listed.body[0].data).toContain('When should I plant tulips?');
    expect((await call('getEntry', { path: 'content/faq/second.md' })).body.data).toContain('How deep');
    expect((await call('entriesByFiles', { files: [{ path: 'content/faq/first.md' }] })).body).toHaveLength(1);

    const saved = await call('persistEntry', {
      entry: { slug: 'third', path: 'content/faq/third.md', raw: entry('Can I grow <script>alert(1)</script> lilies?') },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'Create FAQ “third”', useWorkflow: false },
    });
    expect(saved.status).toBe(200);
    expect(readFileSync(path.join(project, 'content/faq/third.md'), 'utf8')).toContain('<script>alert(1)</script>');
    expect(git('log', '-1', '--format=%an <%ae> %s')).toBe('Edie Tor <editor@example.com> Create FAQ “third”');
    expect(git('status', '--porcelain')).toBe('');
  });

  it('gives the second of two editors saving the same entry a conflict, never a silent overwrite', async () => {
    await call('getEntry', { path: 'content/faq/first.md' }, 'editor');
    await call('getEntry', { path: 'content/faq/first.md' }, 'other');
    const save = (as: 'editor' | 'other', text: string) =>
      call(
        'persistEntry',
        {
          entry: { slug: 'first', path: 'content/faq/first.md', raw: entry(text) },
          assets: [],
          options: { collectionName: 'faq', commitMessage: `edit by ${as}` },
        },
        as,
      );
    expect((await save('other', 'When should I plant tulips, really?')).status).toBe(200);
    const late = await save('editor', 'When should I plant tulips in Alberta?');
    expect(late.status).toBe(409);
    expect(late.body.error).toMatch(/changed by someone else/);
    expect(readFileSync(path.join(project, 'content/faq/first.md'), 'utf8')).toContain('really?');
    // A "new" entry over an existing file is a conflict too.
    const clash = await call(
      'persistEntry',
      {
        entry: { slug: 'second', path: 'content/faq/second.md', raw: entry('How deep, new entry?') },
        assets: [],
        options: { collectionName: 'faq', commitMessage: 'new' },
      },
      'other',
    );
    expect(clash.status).toBe(409);
  });

  it('saves a new entry in the default language alone when its translation has no words yet, and refuses a half-written one', async () => {
    // Decap sends every language of a new entry; the untranslated one carries only what it copies (the date, the status).
    const copied = '---\nstatus: published\norder: 100\nupdated: 2026-11-30\n---\n';
    const english = { slug: 'raised-beds', path: 'content/faq/raised-beds.en.md', raw: entry('Can bulbs grow in raised beds?') };
    const french = { slug: 'raised-beds', path: 'content/faq/raised-beds.fr.md', raw: copied };
    const saved = await call('persistEntry', { dataFiles: [english, french], assets: [], options: { collectionName: 'faq', commitMessage: 'New' } });
    expect(saved.status).toBe(200);
    expect(existsSync(path.join(project, english.path))).toBe(true);
    expect(existsSync(path.join(project, french.path))).toBe(false);
    // A translation with some of its words is one: what it lacks is named.
    const half = { ...french, raw: copied.replace('status:', 'question: Peut-on planter des bulbes en bac surélevé?\nstatus:') };
    const refused = await call('persistEntry', { dataFiles: [english, half], assets: [], options: { collectionName: 'faq', commitMessage: 'Half' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toContain('"category"');
    expect(existsSync(path.join(project, french.path))).toBe(false);
  });

  it('refuses collections, fields and folders that do not exist', async () => {
    const persist = (params: Record<string, unknown>) => call('persistEntry', { assets: [], ...params });
    expect(
      (
        await persist({
          entry: { slug: 'a', path: 'content/faq/a.md', raw: entry('A question here?') },
          options: { collectionName: 'recipes', commitMessage: 'x' },
        })
      ).status,
    ).toBe(422);
    const unknownField = await persist({
      entry: { slug: 'a', path: 'content/faq/a.md', raw: entry('A question here?', 'colour: red\n') },
      options: { collectionName: 'faq', commitMessage: 'x' },
    });
    expect(unknownField.status).toBe(422);
    expect(unknownField.body.error).toContain('no field "colour"');
    expect(
      (
        await persist({
          entry: { slug: 'a', path: 'content/pages/a.md', raw: entry('A question here?') },
          options: { collectionName: 'faq', commitMessage: 'x' },
        })
      ).status,
    ).toBe(422);
    expect((await call('nonsense')).status).toBe(422);
    expect((await call('getDeployPreview')).body).toBeNull();
  });

  it('refuses path traversal in every form', async () => {
    for (const p of [
      '../package.json',
      '/etc/passwd',
      'content/../package.json',
      'content/%2e%2e/package.json',
      'content\\..\\package.json',
      'package.json',
      'content/faq/../../package.json',
    ]) {
      expect((await call('getEntry', { path: p })).status, p).toBe(400);
      expect((await call('getMediaFile', { path: p })).status, p).toBe(400);
      expect(
        (await call('persistMedia', { asset: { path: p, content: PNG.toString('base64'), encoding: 'base64' }, options: { commitMessage: 'x' } })).status,
        p,
      ).toBe(400);
    }
    expect((await call('unpublishedEntry', { collection: 'faq', slug: '../../x' })).status).toBe(400);
    expect(readFileSync(path.join(project, 'package.json'), 'utf8')).toBe('{"secret": true}\n');
  });

  it('checks newPath and every upload path by the same rules as path: nothing lands outside the entry’s collection', async () => {
    const head = git('rev-parse', 'HEAD');
    const before = readFileSync(path.join(project, 'content/faq/second.md'), 'utf8');
    await call('getEntry', { path: 'content/faq/second.md' });
    const options = { collectionName: 'faq', commitMessage: 'Move' };
    const moved = entry('How deep should bulbs go, moved?');
    const refused: Array<[string, number]> = [
      ['content/pages/second.md', 422], // another collection's folder
      ['content/settings/privacy.md', 422], // the settings
      ['content/settings/privacy-history.json', 422],
      ['content/second.md', 422],
      ['content/faq/second.txt', 422], // not the collection's extension
      ['content/faq/deeper/second.md', 422], // not directly in the folder
      ['content/faq/.second.md', 422],
      ['content/faq/../settings/privacy.md', 400],
      ['content/faq/../../package.json', 400],
      ['../package.json', 400],
      ['/etc/passwd', 400],
      ['content\\faq\\second.md', 400],
      ['content/faq/sec\0ond.md', 400],
      ['content/faq/%2e%2e/second.md', 400],
    ];
    for (const [newPath, status] of refused) {
      const answer = await call('persistEntry', { entry: { slug: 'second', path: 'content/faq/second.md', newPath, raw: moved }, assets: [], options });
      expect(answer.status, newPath).toBe(status);
      expect(answer.body.error, newPath).toMatch(/^newPath /);
      // Decap's newer requests name the files in dataFiles: the same rule.
      const again = await call('persistEntry', { dataFiles: [{ slug: 'second', path: 'content/faq/second.md', newPath, raw: moved }], assets: [], options });
      expect(again.status, newPath).toBe(status);
    }
    expect(
      (await call('persistEntry', { entry: { slug: 'second', path: 'content/faq/second.md', newPath: 42, raw: moved }, assets: [], options })).status,
    ).toBe(422);

    // Uploads sent with an entry go to the media folder of its collection (the site's, for FAQ).
    for (const asset of ['content/settings/dot.png', 'content/faq/dot.png', 'content/pages/dot.png', 'content/dot.png']) {
      const answer = await call('persistEntry', {
        entry: { slug: 'second', path: 'content/faq/second.md', raw: entry('How deep should bulbs go, with a picture?') },
        assets: [{ path: asset, content: PNG.toString('base64'), encoding: 'base64' }],
        options,
      });
      expect(answer.status, asset).toBe(422);
      expect(answer.body.error, asset).toMatch(/^asset path /);
    }
    // ...and so do uploads on their own.
    for (const asset of ['content/settings/dot.png', 'content/faq/dot.png', 'content/dot.png']) {
      expect(
        (await call('persistMedia', { asset: { path: asset, content: PNG.toString('base64'), encoding: 'base64' }, options: { commitMessage: 'x' } })).status,
        asset,
      ).toBe(422);
    }

    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(existsSync(path.join(project, 'content/pages'))).toBe(false);
    expect(existsSync(path.join(project, 'content/settings'))).toBe(false);
    expect(existsSync(path.join(project, 'content/faq/dot.png'))).toBe(false);
    expect(readFileSync(path.join(project, 'content/faq/second.md'), 'utf8')).toBe(before);
    expect(readFileSync(path.join(project, 'package.json'), 'utf8')).toBe('{"secret": true}\n');
  });

  it('deletes entries and uploads only, never the other files of the content folder', async () => {
    await mkdir(path.join(project, 'content/settings'), { recursive: true });
    await writeFile(path.join(project, 'content/settings/privacy-history.json'), '{"versions": []}\n');
    git('add', 'content/settings/privacy-history.json');
    git('-c', 'user.name=Setup', '-c', 'user.email=setup@example.com', 'commit', '--quiet', '-m', 'history');
    const head = git('rev-parse', 'HEAD');
    const gone = await call('deleteFile', { path: 'content/settings/privacy-history.json', options: { commitMessage: 'x' } });
    expect(gone.status).toBe(422);
    expect(gone.body.error).toMatch(/^path /);
    // One bad path refuses the whole request.
    expect(
      (await call('deleteFiles', { paths: ['content/faq/first.md', 'content/settings/privacy-history.json'], options: { commitMessage: 'x' } })).status,
    ).toBe(422);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(path.join(project, 'content/settings/privacy-history.json'))).toBe(true);
    expect(existsSync(path.join(project, 'content/faq/first.md'))).toBe(true);
  });

  it('renames an entry inside its collection: the file moves, in one commit by the editor', async () => {
    const first = entry('Which bulbs flower first in spring?');
    const create = await call('persistEntry', {
      entry: { slug: 'early', path: 'content/faq/early.md', raw: first },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'Create early' },
    });
    expect(create.status).toBe(200);
    await call('getEntry', { path: 'content/faq/early.md' });
    const renamed = entry('Which bulbs flower first in early spring?');
    const moved = await call('persistEntry', {
      entry: { slug: 'earliest', path: 'content/faq/early.md', newPath: 'content/faq/earliest.md', raw: renamed },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'Rename early' },
    });
    expect(moved.status).toBe(200);
    expect(existsSync(path.join(project, 'content/faq/early.md'))).toBe(false);
    expect(readFileSync(path.join(project, 'content/faq/earliest.md'), 'utf8')).toBe(renamed);
    expect(git('log', '-1', '--format=%ae %s')).toBe('editor@example.com Rename early');
    expect(git('diff', '--name-status', '--no-renames', 'HEAD~1', 'HEAD')).toBe('A\tcontent/faq/earliest.md\nD\tcontent/faq/early.md');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');

    // In the editorial workflow the move waits on the entry's branch.
    const head = git('rev-parse', 'HEAD');
    const later = entry('Which tulips flower first in early spring?');
    const draft = await call('persistEntry', {
      entry: { slug: 'earliest', path: 'content/faq/earliest.md', newPath: 'content/faq/earliest-tulips.md', raw: later },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'Rename earliest', useWorkflow: true, status: 'draft' },
    });
    expect(draft.status).toBe(200);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(git('diff', '--name-status', '--no-renames', 'main', 'cms/faq/earliest')).toBe('A\tcontent/faq/earliest-tulips.md\nD\tcontent/faq/earliest.md');
    expect(execFileSync('git', ['show', 'cms/faq/earliest:content/faq/earliest-tulips.md'], { cwd: project, encoding: 'utf8' })).toBe(later);
    expect((await call('deleteUnpublishedEntry', { collection: 'faq', slug: 'earliest' })).status).toBe(200);
  });

  it('strips a leading byte-order mark, so it cannot hide the front matter from the field check', async () => {
    const head = git('rev-parse', 'HEAD');
    const save = (slug: string, text: string) =>
      call('persistEntry', {
        entry: { slug, path: `content/faq/${slug}.md`, raw: text },
        assets: [],
        options: { collectionName: 'faq', commitMessage: `Create ${slug}` },
      });
    const unknown = await save('bom-colour', `\uFEFF${entry('Does a hidden mark skip the check?', 'colour: red\n')}`);
    expect(unknown.status).toBe(422);
    expect(unknown.body.error).toContain('no field "colour"');
    const missing = await save('bom-missing', '\uFEFF---\ncategory: Planting\nstatus: published\nupdated: 2026-03-02\n---\n\nAn answer to no question.\n');
    expect(missing.status).toBe(422);
    expect(missing.body.error).toContain('"question"');
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(path.join(project, 'content/faq/bom-colour.md'))).toBe(false);
    expect(existsSync(path.join(project, 'content/faq/bom-missing.md'))).toBe(false);

    const good = entry('Is a byte-order mark kept in the file?');
    expect((await save('bom-kept', `\uFEFF${good}`)).status).toBe(200);
    expect(readFileSync(path.join(project, 'content/faq/bom-kept.md'), 'utf8')).toBe(good);
    expect(execFileSync('git', ['show', 'HEAD:content/faq/bom-kept.md'], { cwd: project, encoding: 'utf8' })).toBe(good);
  });

  it('refuses an entry without front matter, in every disguise the site would still read', async () => {
    const head = git('rev-parse', 'HEAD');
    const bare = [
      'An answer with no question above it.\n',
      '\n---\ncolour: red\n---\n\nA blank line before the front matter.\n',
      '+++\ncolour = "red"\n+++\n\nTOML front matter.\n',
      '---colour: red\nquestion: A question on the opening line?\n---\n',
    ];
    for (const text of bare) {
      for (const useWorkflow of [false, true]) {
        const answer = await call('persistEntry', {
          entry: { slug: 'bare', path: 'content/faq/bare.md', raw: text },
          assets: [],
          options: { collectionName: 'faq', commitMessage: 'Create bare', useWorkflow },
        });
        expect(answer.status, text).toBe(422);
        expect(answer.body.error, text).toMatch(/front matter/);
      }
    }
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(path.join(project, 'content/faq/bare.md'))).toBe(false);
    expect((await call('unpublishedEntries')).body).not.toContain('faq/bare');
  });

  it('uploads, lists, reads and deletes media; refuses wrong types and oversize files', async () => {
    const up = await call('persistMedia', {
      asset: { path: 'content/media/dot.png', content: PNG.toString('base64'), encoding: 'base64' },
      options: { commitMessage: 'Upload dot.png' },
    });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ path: 'content/media/dot.png', name: 'dot.png', encoding: 'base64' });
    expect(git('log', '-1', '--format=%ae %s')).toBe('editor@example.com Upload dot.png');
    expect((await call('getMedia', { mediaFolder: 'content/media' })).body.map((m: { path: string }) => m.path)).toEqual(['content/media/dot.png']);
    expect(Buffer.from((await call('getMediaFile', { path: 'content/media/dot.png' })).body.content, 'base64').equals(PNG)).toBe(true);
    expect(
      (
        await call('persistMedia', {
          asset: { path: 'content/media/x.svg', content: Buffer.from('<svg onload="alert(1)"/>').toString('base64'), encoding: 'base64' },
          options: { commitMessage: 'x' },
        })
      ).status,
    ).toBe(415);
    expect(
      (
        await call('persistMedia', {
          asset: { path: 'content/media/fake.png', content: Buffer.from('MZ not a png').toString('base64'), encoding: 'base64' },
          options: { commitMessage: 'x' },
        })
      ).status,
    ).toBe(415);
    const big = Buffer.concat([PNG, Buffer.alloc(5_100_000)]);
    expect(
      (
        await call('persistMedia', {
          asset: { path: 'content/media/big.png', content: big.toString('base64'), encoding: 'base64' },
          options: { commitMessage: 'x' },
        })
      ).status,
    ).toBe(413);
    expect((await call('deleteFile', { path: 'content/media/dot.png', options: { commitMessage: 'Delete dot.png' } })).status).toBe(200);
    expect(existsSync(path.join(project, 'content/media/dot.png'))).toBe(false);
    await call('persistMedia', {
      asset: { path: 'content/media/a.png', content: PNG.toString('base64'), encoding: 'base64' },
      options: { commitMessage: 'a' },
    });
    await call('persistMedia', {
      asset: { path: 'content/media/b.png', content: PNG.toString('base64'), encoding: 'base64' },
      options: { commitMessage: 'b' },
    });
    expect((await call('deleteFiles', { paths: ['content/media/a.png', 'content/media/b.png'], options: { commitMessage: 'Delete two' } })).status).toBe(200);
    expect((await call('getMedia', { mediaFolder: 'content/media' })).body).toEqual([]);
  });

  it('runs the editorial workflow on branches: draft → review → ready → published, without touching the live files until then', async () => {
    const head = git('rev-parse', 'HEAD');
    const draft = entry('Do tulips need fertilizer?');
    const saved = await call('persistEntry', {
      entry: { slug: 'fertilizer', path: 'content/faq/fertilizer.md', raw: draft },
      assets: [{ path: 'content/media/leaf.png', content: PNG.toString('base64'), encoding: 'base64' }],
      options: { collectionName: 'faq', commitMessage: 'Create FAQ “fertilizer”', useWorkflow: true, status: 'draft' },
    });
    expect(saved.status).toBe(200);
    expect(git('rev-parse', 'HEAD')).toBe(head);
    expect(existsSync(path.join(project, 'content/faq/fertilizer.md'))).toBe(false);
    expect((await call('unpublishedEntries')).body).toContain('faq/fertilizer');
    const unpublished = await call('unpublishedEntry', { id: 'faq/fertilizer' });
    // FAQ entries carry their own status: Decap's starts at Ready, so only theirs needs setting.
    expect(unpublished.body).toMatchObject({ collection: 'faq', slug: 'fertilizer', status: 'pending_publish' });
    expect(unpublished.body.diffs.map((d: { path: string }) => d.path).sort()).toEqual(['content/faq/fertilizer.md', 'content/media/leaf.png']);
    expect((await call('unpublishedEntryDataFile', { collection: 'faq', slug: 'fertilizer', id: 'x', path: 'content/faq/fertilizer.md' })).body.data).toBe(
      draft,
    );
    expect(
      Buffer.from(
        (await call('unpublishedEntryMediaFile', { collection: 'faq', slug: 'fertilizer', id: 'x', path: 'content/media/leaf.png' })).body.content,
        'base64',
      ).equals(PNG),
    ).toBe(true);
    expect(git('log', '-1', '--format=%ae', 'cms/faq/fertilizer')).toBe('editor@example.com');

    // A second save on the branch, then the status moves on.
    const edited = entry('Do tulips need fertilizer at planting?');
    expect(
      (
        await call('persistEntry', {
          entry: { slug: 'fertilizer', path: 'content/faq/fertilizer.md', raw: edited },
          assets: [],
          options: { collectionName: 'faq', commitMessage: 'Update', useWorkflow: true, status: 'draft' },
        })
      ).status,
    ).toBe(200);
    for (const status of ['pending_review', 'pending_publish']) {
      expect((await call('updateUnpublishedEntryStatus', { collection: 'faq', slug: 'fertilizer', newStatus: status })).status).toBe(200);
      expect((await call('unpublishedEntry', { collection: 'faq', slug: 'fertilizer' })).body.status).toBe(status);
    }
    expect((await call('updateUnpublishedEntryStatus', { collection: 'faq', slug: 'fertilizer', newStatus: 'shipped' })).status).toBe(422);

    expect((await call('publishUnpublishedEntry', { collection: 'faq', slug: 'fertilizer' })).status).toBe(200);
    expect(readFileSync(path.join(project, 'content/faq/fertilizer.md'), 'utf8')).toBe(edited);
    expect(existsSync(path.join(project, 'content/media/leaf.png'))).toBe(true);
    expect((await call('unpublishedEntries')).body).not.toContain('faq/fertilizer');
    expect(git('log', '-1', '--format=%ae %s')).toBe('editor@example.com Publish faq/fertilizer');

    // Deleting an unpublished entry drops its branch and leaves the live site alone.
    await call('persistEntry', {
      entry: { slug: 'scrap', path: 'content/faq/scrap.md', raw: entry('Is this one kept at all?') },
      assets: [],
      options: { collectionName: 'faq', commitMessage: 'c', useWorkflow: true, status: 'draft' },
    });
    expect((await call('deleteUnpublishedEntry', { collection: 'faq', slug: 'scrap' })).status).toBe(200);
    expect((await call('unpublishedEntry', { collection: 'faq', slug: 'scrap' })).status).toBe(404);
  });

  it('lists a visitor’s question in the FAQ collection as waiting, and answering and publishing it puts the answer live', async () => {
    const question = 'Can I plant bulbs in raised beds?';
    expect((await formClient(base, SECRET).post('/faq/ask', { question })).status).toBe(303);
    const file = await waitFor(
      async () =>
        ((await call('entriesByFolder', { folder: 'content/faq', extension: 'md', depth: 1 })).body as Array<{ file: { path: string } }>)
          .map((e) => e.file.path)
          .find((f) => f.startsWith('content/faq/can-i-plant-bulbs')),
      'the question in the FAQ list',
    );
    // The reference site is in two languages: a draft is its default language's file (`<slug>.en.md`).
    const slug = path.posix.basename(file).replace(/\.en\.md$/, '');
    expect(file).toBe(`content/faq/${slug}.en.md`);
    // Committed by Rapport on the live branch (the site shows only published answers), not on the board.
    expect(git('log', '-1', '--format=%an %s')).toBe(`Rapport FAQ: new visitor question awaiting an answer (${slug})`);
    expect((await call('unpublishedEntries')).body).not.toContain(`faq/${slug}`);
    const data = (await call('getEntry', { path: file })).body.data as string;
    expect(data).toContain(`question: ${question}`);
    expect(data).toContain('status: pending_review');

    const answered =
      data.replace('category: Unsorted', 'category: Planting').replace('status: pending_review', 'status: published') +
      '\nYes: raised beds drain well, which bulbs love.\n';
    expect(
      (
        await call('persistEntry', {
          entry: { slug, path: file, raw: answered },
          assets: [],
          options: { collectionName: 'faq', commitMessage: 'Answer', useWorkflow: true, status: 'pending_review' },
        })
      ).status,
    ).toBe(200);
    expect((await call('publishUnpublishedEntry', { collection: 'faq', slug })).status).toBe(200);
    expect(readFileSync(path.join(project, file), 'utf8')).toBe(answered);
  });

  it('keeps a question whose draft an editor deleted, and the console writes the draft again', async () => {
    const question = 'Do squirrels dig up crocus bulbs?';
    expect((await formClient(base, SECRET).post('/faq/ask', { question, details: 'They ate all of mine.' })).status).toBe(303);
    const id = await waitFor(async () => {
      const row = await running.store.db.selectFrom('faq_questions').select(['id', 'entry_slug']).where('question', '=', question).executeTakeFirst();
      return row?.entry_slug ? row.id : undefined;
    }, 'the draft');
    const file = 'content/faq/do-squirrels-dig-up-crocus-bulbs.en.md';
    // As Decap deletes an entry of a site in two languages: every language's file, here without a French one.
    const both = [file, file.replace('.en.md', '.fr.md')];
    expect((await call('deleteFiles', { paths: both, options: { commitMessage: 'Delete' } })).status).toBe(200);
    expect((await call('deleteFiles', { paths: both, options: { commitMessage: 'Delete' } })).status).toBe(404);
    expect(existsSync(path.join(project, file))).toBe(false);

    const page = `${base}/admin/crm/questions/${id}`;
    const asEditor = { cookie: `${SESSION_COOKIE}=${cookies.editor}` };
    const shown = await raw(page, { headers: asEditor });
    expect(shown.text).toContain('was deleted in the content manager; the question is kept here');
    expect(shown.text).toContain('They ate all of mine.');
    const again = await raw(page, { method: 'POST', headers: { ...asEditor, origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/admin/crm/questions/${id}?done=redraft`);
    expect(readFileSync(path.join(project, file), 'utf8')).toContain(`submission: ${id}`);
    const after = await raw(`${page}?done=redraft`, { headers: asEditor });
    expect(after.text).toContain('The draft is written again');
    expect(after.text).not.toContain('Write the draft again');
    // Only a waiting question whose draft is gone gets one: a second press (a stale page) writes no copy.
    const twice = await raw(page, { method: 'POST', headers: { ...asEditor, origin: base, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(twice.status).toBe(409);
    expect(twice.text).toContain('Its draft is still in the content manager');
    expect(existsSync(path.join(project, 'content/faq/do-squirrels-dig-up-crocus-bulbs-2.en.md'))).toBe(false);
  });
});
