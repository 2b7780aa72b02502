import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { RapportConfig } from '../../config/schema.ts';
import { decapConfig, SELF_STATUS_COLLECTIONS } from './decap-config.ts';
import { HttpError } from '../../core/errors.ts';
import type { SharedContent } from '../../core/feature.ts';
import { CMS_BRANCH_PREFIX, GitError, Repo, type Author } from '../../internal/git.ts';
import { ContentConflict, ContentUnavailable } from '../../internal/shared-repo.ts';

/**
 * Rapport's Decap backend: the proxy-backend protocol decap-server speaks (`POST /admin/api/v1`,
 * `{ action, params }`), over the content folder's Git repository. Simple saves are commits on
 * the live branch; the editorial workflow keeps each unpublished entry on its own branch
 * (`cms/<collection>/<slug>`, status in the branch description, as decap-server does) and
 * publishing merges it. Every write is a commit authored by the signed-in staff member.
 */

const LABEL_PREFIX = 'decap-cms/';
const MEDIA_TYPES: Record<string, (b: Buffer) => boolean> = {
  '.jpg': (b) => b[0] === 0xff && b[1] === 0xd8,
  '.jpeg': (b) => b[0] === 0xff && b[1] === 0xd8,
  '.png': (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
  '.gif': (b) => b.subarray(0, 3).toString('latin1') === 'GIF',
  '.webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  '.avif': (b) => b.subarray(4, 12).toString('latin1').startsWith('ftypavi'),
  '.pdf': (b) => b.subarray(0, 4).toString('latin1') === '%PDF',
};

/** A request the backend refuses, with its status and a message for the editor (an `HttpError`). */
export class BackendError extends HttpError {
  override readonly name = 'BackendError';
}

export interface Staff extends Author {
  accountId: string;
}

interface Collection {
  name: string;
  /** A folder collection's folder, or the files a "files" collection (settings) is made of. */
  folder?: string | undefined;
  files?: Set<string> | undefined;
  /** A folder collection's entries end in this (`.md`). */
  extension: string;
  /** What an entry's file is called after its slug: the extension, or on a site in several languages the default one's and the extension (`.en.md`). */
  original: string;
  /** The required fields written per language (on a site in several): a translation without any of them is not one. */
  words: Set<string>;
  /** The front matter fields, and those Decap requires (the body is not front matter). */
  fields: Set<string>;
  required: Set<string>;
  /** Where uploads made with its entries go: its own media folder, else the site's. */
  media: string;
}

/**
 * Whether `file` may be saved as an entry of `collection`: one of a "files" collection's files, or
 * a file with the collection's extension directly in a folder collection's folder (the site reads
 * every `*.md` below that folder; the CMS writes only the top level, as it lists it).
 */
const holds = (collection: Collection, file: string) =>
  collection.files ? collection.files.has(file) : path.posix.dirname(file) === collection.folder && path.posix.extname(file) === collection.extension;

/** Whether `file` is a translation in a collection edited in several languages: `x.fr.md` beside `x.en.md`. */
const isTranslation = (collection: Collection, file: string) => {
  if (collection.words.size === 0) return false;
  const language = /\.([a-z]{2,3})\.[^./]+$/.exec(file);
  return !!language && `.${language[1]}${collection.extension}` !== collection.original;
};

/** Where a write may go: entries of these collections, uploads in these media folders. */
interface Place {
  entries: readonly Collection[];
  media: readonly string[];
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const str = (value: unknown, what: string, max = 1000): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw new BackendError(422, `${what} is missing or too long`);
  return value;
};
/** Entries are Markdown files: 1 MB is far more than any page. */
const MAX_ENTRY_CHARS = 1_000_000;

export class CmsBackend {
  readonly repo: Repo;
  readonly #collections: Map<string, Collection>;
  readonly #contentDir: string;
  /** Every media folder (the site's, then each collection's): where uploads may go. */
  readonly #mediaFolders: string[];
  readonly #branch: string;
  readonly #maxUpload: number;
  /** What each staff member last read of each path (sha256): a save over someone else's newer save is a conflict. */
  readonly #reads = new Map<string, string>();
  #queue: Promise<unknown> = Promise.resolve();
  /** The repository shared with other servers, when there is one: reads fetch first, writes are pushed. */
  readonly #shared: SharedContent | undefined;

  readonly root: string;

  constructor(root: string, config: RapportConfig, site: string, shared?: SharedContent) {
    this.root = root;
    this.repo = new Repo(root);
    this.#shared = shared;
    // Statuses travel with the branches when other servers must see them.
    this.repo.statusInRefs = shared !== undefined;
    this.#contentDir = config.contentDir.replace(/\/+$/, '');
    this.#branch = config.cms.branch;
    this.#maxUpload = config.cms.maxUploadMb * 1_000_000;
    const decap = decapConfig(config, site);
    const siteMedia = decap.media_folder.replace(/\/+$/, '');
    // Decap's "required" defaults to true; the body is the Markdown after the front matter.
    const required = (fields: Array<{ name: string; required?: boolean }>) =>
      new Set(fields.filter((f) => f.required !== false && f.name !== 'body').map((f) => f.name));
    this.#collections = new Map(
      decap.collections.map((c): [string, Collection] => {
        if ('files' in c) {
          const fields = c.files.flatMap((f) => f.fields);
          return [
            c.name,
            {
              name: c.name,
              files: new Set(c.files.map((f) => f.file)),
              extension: '',
              original: '',
              words: new Set(),
              fields: new Set(fields.map((x) => x.name)),
              required: required(fields),
              media: siteMedia,
            },
          ];
        }
        // A collection's media_folder is relative to its folder ('' is the folder itself), or to the repository with a leading '/'.
        const folder = (c as { media_folder?: unknown }).media_folder;
        const own = typeof folder === 'string' ? (folder.startsWith('/') ? folder.slice(1) : path.posix.join(c.folder, folder)).replace(/\/+$/, '') : siteMedia;
        return [
          c.name,
          {
            name: c.name,
            folder: c.folder,
            extension: `.${c.extension}`,
            original: `${decap.i18n && 'i18n' in c ? `.${decap.i18n.default_locale}` : ''}.${c.extension}`,
            words: new Set(c.fields.filter((f) => f.i18n === true && f.required !== false && f.name !== 'body').map((f) => f.name)),
            fields: new Set(c.fields.map((f) => f.name)),
            required: required(c.fields),
            media: own,
          },
        ];
      }),
    );
    this.#mediaFolders = [...new Set([siteMedia, ...[...this.#collections.values()].map((c) => c.media)])];
  }

  /** One request; git work is serialised (one operation at a time, as in decap-server). */
  handle(body: unknown, staff: Staff): Promise<unknown> {
    const run = this.#queue.then(() => (this.#shared ? this.#sharedDispatch(this.#shared, body, staff) : this.#dispatch(body, staff)));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /**
   * With a shared repository, a read sees what other servers pushed (fetched at most once a
   * second), and a write runs on the freshly fetched copy and is pushed before the editor is
   * answered; another server's change to the same entry in between is a conflict (409).
   */
  async #sharedDispatch(shared: SharedContent, body: unknown, staff: Staff): Promise<unknown> {
    const action = body && typeof body === 'object' ? (body as { action?: unknown }).action : undefined;
    if (typeof action === 'string' && WRITES.has(action)) return sharedWrite(shared, () => this.#dispatch(body, staff));
    await shared.refresh(1_000).catch((error: unknown) => {
      // Reading the last fetched copy beats refusing to show anything.
      if (!(error instanceof ContentUnavailable)) throw error;
    });
    return this.#dispatch(body, staff);
  }

  async #dispatch(body: unknown, staff: Staff): Promise<unknown> {
    if (!body || typeof body !== 'object') throw new BackendError(422, 'Send { action, params } as JSON');
    const { action, params = {} } = body as { action?: unknown; params?: Record<string, unknown> };
    if (action === 'info') return { repo: path.basename(this.root), publish_modes: ['simple', 'editorial_workflow'], type: 'local_git' };
    if (typeof params !== 'object' || params === null) throw new BackendError(422, 'params must be an object');
    if (params.branch !== undefined && params.branch !== this.#branch) throw new BackendError(422, `Default branch '${String(params.branch)}' doesn't exist`);
    const p = params;
    switch (action) {
      case 'entriesByFolder': {
        const folder = this.#path(p.folder, 'folder');
        const extension = typeof p.extension === 'string' ? p.extension : 'md';
        const depth = Math.min(Number(p.depth) || 1, 5);
        return Promise.all((await this.#list(folder, extension, depth)).map((f) => this.#entry(f, staff)));
      }
      case 'entriesByFiles': {
        const files = Array.isArray(p.files) ? p.files : [];
        return Promise.all(files.map((f: { path?: unknown }) => this.#entry(this.#path(f?.path, 'path'), staff)));
      }
      case 'getEntry':
        return this.#entry(this.#path(p.path, 'path'), staff);
      case 'unpublishedEntries':
        return (await this.repo.branches(CMS_BRANCH_PREFIX)).map((b) => b.slice(CMS_BRANCH_PREFIX.length));
      case 'unpublishedEntry': {
        const { collection, slug } = typeof p.id === 'string' ? splitKey(p.id) : { collection: str(p.collection, 'collection'), slug: str(p.slug, 'slug') };
        const branch = this.#workflowBranch(collection, slug);
        if (!(await this.repo.tip(branch))) throw new BackendError(404, 'Not Found');
        const diffs = (await this.repo.changes(this.#branch, branch)).map((d) => ({
          oldPath: d.oldPath,
          newPath: d.path,
          status: d.status === 'A' ? 'added' : d.status === 'D' ? 'deleted' : 'modified',
          newFile: d.status === 'A',
          path: d.path,
          id: d.path,
          binary: !/\.(md|ya?ml|json|txt)$/.test(d.path),
        }));
        const label = await this.repo.description(branch);
        const updatedAt = await this.repo.text(['log', '-1', '--format=%cI', `refs/heads/${branch}`]);
        return { collection, slug, status: label.startsWith(LABEL_PREFIX) ? label.slice(LABEL_PREFIX.length) : label, diffs, updatedAt };
      }
      case 'unpublishedEntryDataFile': {
        const file = this.#path(p.path, 'path');
        const branch = this.#workflowBranch(str(p.collection, 'collection'), str(p.slug, 'slug'));
        const data = await this.repo.show(branch, file);
        if (data === undefined) throw new BackendError(404, 'Not Found');
        this.#reads.set(`${staff.accountId}:${branch}:${file}`, sha256(data));
        return { data: data.toString('utf8') };
      }
      case 'unpublishedEntryMediaFile': {
        const file = this.#path(p.path, 'path');
        const data = await this.repo.show(this.#workflowBranch(str(p.collection, 'collection'), str(p.slug, 'slug')), file);
        if (data === undefined) throw new BackendError(404, 'Not Found');
        return media(file, data);
      }
      case 'deleteUnpublishedEntry': {
        const branch = this.#workflowBranch(str(p.collection, 'collection'), str(p.slug, 'slug'));
        await this.repo.deleteBranch(branch).catch(() => {
          throw new BackendError(404, 'Not Found');
        });
        return { message: `deleted branch: ${branch}` };
      }
      case 'persistEntry':
        return this.#persist(p, staff);
      case 'updateUnpublishedEntryStatus': {
        const branch = this.#workflowBranch(str(p.collection, 'collection'), str(p.slug, 'slug'));
        const status = str(p.newStatus, 'newStatus');
        if (!['draft', 'pending_review', 'pending_publish'].includes(status)) throw new BackendError(422, `Unknown status ${status}`);
        if (!(await this.repo.tip(branch))) throw new BackendError(404, 'Not Found');
        await this.repo.setDescription(branch, `${LABEL_PREFIX}${status}`);
        return { message: `${branch} description was updated to ${LABEL_PREFIX}${status}` };
      }
      case 'publishUnpublishedEntry': {
        const branch = this.#workflowBranch(str(p.collection, 'collection'), str(p.slug, 'slug'));
        if (!(await this.repo.tip(branch))) throw new BackendError(404, 'Not Found');
        await this.#onLiveBranch();
        await this.repo
          .run(['merge', '--no-ff', '--no-edit', '-m', `Publish ${branch.slice(CMS_BRANCH_PREFIX.length)}`, `refs/heads/${branch}`], { author: staff })
          .catch(async (error: unknown) => {
            await this.repo.run(['merge', '--abort']).catch(() => undefined);
            throw new BackendError(409, `Publishing failed; nothing changed: ${error instanceof Error ? error.message : String(error)}`);
          });
        await this.repo.deleteBranch(branch);
        return { message: `branch ${branch} merged to ${this.#branch}` };
      }
      case 'getMedia': {
        const folder = this.#path(p.mediaFolder, 'mediaFolder');
        const files = await this.#list(folder, '', 1);
        return Promise.all(files.map(async (f) => media(f, await readFile(path.join(this.root, f)))));
      }
      case 'getMediaFile': {
        const file = this.#path(p.path, 'path');
        const data = await readFile(path.join(this.root, file)).catch(() => undefined);
        if (!data) throw new BackendError(404, 'Not Found');
        return media(file, data);
      }
      case 'persistMedia': {
        // Decap's media library says which folder, not which collection: any media folder will do.
        const asset = this.#asset(p.asset, this.#mediaFolders);
        await this.#onLiveBranch();
        await this.#writeAndCommit([[asset.path, asset.bytes]], commitMessage(p, `Upload ${asset.path}`), staff);
        return media(asset.path, asset.bytes);
      }
      case 'deleteFile':
      case 'deleteFiles': {
        // Decap deletes entries and uploads; nothing else in the content folder (the privacy history, say) is the CMS's to delete.
        const anywhere: Place = { entries: [...this.#collections.values()], media: this.#mediaFolders };
        const asked = (action === 'deleteFile' ? [p.path] : Array.isArray(p.paths) ? p.paths : []).map((f) => this.#writable(f, 'path', anywhere));
        if (asked.length === 0) throw new BackendError(422, 'Nothing to delete');
        // Deleting an entry of a site in several languages names each language's file, translated or not.
        const paths = asked.filter((f) => existsSync(path.join(this.root, f)));
        if (paths.length === 0) throw new BackendError(404, `${asked.join(', ')} ${asked.length === 1 ? 'is' : 'are'} not there (deleted already?)`);
        await this.#onLiveBranch();
        await this.#writeAndCommit(
          paths.map((f) => [f, null]),
          commitMessage(p, `Delete ${paths.join(', ')}`),
          staff,
        );
        return { message: `deleted ${paths.join(', ')}` };
      }
      case 'getDeployPreview':
        return null;
      default:
        throw new BackendError(422, `Unknown action ${String(action)}`);
    }
  }

  async #persist(p: Record<string, unknown>, staff: Staff) {
    const options = (p.options ?? {}) as { collectionName?: unknown; commitMessage?: unknown; useWorkflow?: unknown; status?: unknown };
    const entry = p.entry as { slug?: unknown; path?: unknown; raw?: unknown; newPath?: unknown } | undefined;
    const dataFiles = (Array.isArray(p.dataFiles) ? p.dataFiles : entry ? [entry] : []) as Array<{
      slug?: unknown;
      path?: unknown;
      raw?: unknown;
      newPath?: unknown;
    }>;
    if (dataFiles.length === 0) throw new BackendError(422, 'Nothing to save');
    const collection = this.#collections.get(str(options.collectionName ?? inferCollection(this.#collections, dataFiles[0]?.path), 'collectionName'));
    if (!collection) throw new BackendError(422, `There is no collection "${String(options.collectionName)}"`);
    // Every path this request writes, moves to or deletes passes the same rule (#writable).
    const entries: Place = { entries: [collection], media: [] };
    const files: Array<[string, Buffer | null]> = [];
    for (const f of dataFiles) {
      const file = this.#writable(f.path, 'path', entries);
      // Decap sends newPath when a slug change renames the entry: the entry moves there.
      const target = f.newPath === undefined || f.newPath === null ? file : this.#writable(f.newPath, 'newPath', entries);
      const text = str(f.raw, 'raw', MAX_ENTRY_CHARS);
      // Decap sends every language of a new entry, an untranslated one with only the fields it copies
      // (a date, a price): that is no translation, and the site leaves the entry out of that language.
      if (isTranslation(collection, target) && this.#untranslated(collection, text)) continue;
      const raw = this.#checkFields(collection, text);
      files.push([target, Buffer.from(raw)]);
      if (target !== file) files.push([file, null]);
    }
    const assets = (Array.isArray(p.assets) ? p.assets : []).map((a) => this.#asset(a, [collection.media]));
    for (const a of assets) files.push([a.path, a.bytes]);
    const message = commitMessage(p, `Update ${collection.name} “${String(dataFiles[0]?.slug ?? '')}”`);

    if (options.useWorkflow === true) {
      const slug = str(dataFiles[0]?.slug, 'slug');
      const branch = this.#workflowBranch(collection.name, slug);
      const existed = !!(await this.repo.tip(branch));
      for (const [file] of files) {
        const current = (await this.repo.show(existed ? branch : this.#branch, file)) ?? null;
        this.#checkConflict(staff, `${existed ? branch : this.#branch}:${file}`, current, !existed);
      }
      await this.repo.commitToBranch(branch, this.#branch, new Map(files), message, staff).catch((error: unknown) => {
        throw error instanceof GitError ? new BackendError(409, 'Someone else saved this entry at the same moment. Reload it and save again.') : error;
      });
      if (!existed) await this.repo.setDescription(branch, `${LABEL_PREFIX}${initialStatus(collection.name, options.status)}`);
      for (const [file, content] of files) if (content) this.#reads.set(`${staff.accountId}:${branch}:${file}`, sha256(content));
      return { message: 'entry persisted' };
    }
    await this.#onLiveBranch();
    for (const [file] of files) {
      const current = await readFile(path.join(this.root, file)).catch(() => null);
      this.#checkConflict(staff, `${this.#branch}:${file}`, current, false);
    }
    await this.#writeAndCommit(files, message, staff);
    return { message: 'entry persisted' };
  }

  /**
   * Adds a new entry on the live branch, authored by `author` (a visitor's question, written by
   * Rapport), in the same queue as editors' saves. False, and nothing written, when the file or
   * an unpublished entry of that slug exists already: the caller picks another slug.
   */
  addEntry(collectionName: string, slug: string, content: Buffer, message: string, author: Author): Promise<boolean> {
    const add = async () => {
      const collection = this.#collections.get(collectionName);
      if (!collection?.folder) throw new BackendError(422, `There is no folder collection "${collectionName}"`);
      const file = this.#writable(`${collection.folder}/${slug}${collection.original}`, 'path', { entries: [collection], media: [] });
      const entry = Buffer.from(this.#checkFields(collection, content.toString('utf8')));
      // Exactly this entry is there already (another server drafted the same question first): written, not a slug taken.
      const existing = await readFile(path.join(this.root, file)).catch(() => undefined);
      if (existing) return existing.equals(entry);
      if (await this.repo.tip(this.#workflowBranch(collection.name, slug))) return false;
      await this.#onLiveBranch();
      await this.#writeAndCommit([[file, entry]], message, author);
      return true;
    };
    // Another server taking the same slug at the same moment is a slug taken: the caller picks another.
    const shared = this.#shared;
    const run = this.#queue.then(() =>
      shared ? shared.write(add).catch((error: unknown) => (error instanceof ContentConflict ? false : Promise.reject(error))) : add(),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Whether an entry of this slug exists, on the live branch or as an unpublished entry. */
  async hasEntry(collectionName: string, slug: string): Promise<boolean> {
    const collection = this.#collections.get(collectionName);
    if (!collection?.folder) return false;
    if (existsSync(path.join(this.root, collection.folder, `${slug}${collection.original}`))) return true;
    return !!(await this.repo.tip(this.#workflowBranch(collection.name, slug)));
  }

  /**
   * No silent loss: saving over a version this editor has not seen is refused. A new entry whose
   * file exists already, or an entry someone changed since this editor opened it, is a conflict.
   */
  #checkConflict(staff: Staff, key: string, current: Buffer | null, isNewBranch: boolean) {
    const read = this.#reads.get(`${staff.accountId}:${key}`);
    if (current === null) return;
    if (read === undefined && isNewBranch) return; // a first workflow save of an existing entry starts from the live version
    if (read === undefined) throw new BackendError(409, `${key.split(':')[1]} already exists. Open it from the list and edit it there.`);
    if (read !== sha256(current))
      throw new BackendError(
        409,
        `${key.split(':')[1]} was changed by someone else since you opened it. Copy your text, reload the entry and apply your change again.`,
      );
  }

  /**
   * The entry's text as it will be saved, once its front matter fits the collection: every entry
   * starts with a `---` YAML block naming only the collection's fields and all the required ones.
   * The block is found the way the site's Markdown reader (Astro's) finds it, so what is checked
   * here is what the site reads; anything else it would accept as front matter (a blank line or a
   * byte-order mark first, `+++` TOML, text on the opening line) is refused or normalised here.
   */
  #checkFields(collection: Collection, text: string): string {
    // A byte-order mark is stripped, not refused: Windows editors add it, nobody can see it, and
    // Astro skips it and reads the front matter behind it; so it must not hide that front matter
    // from this check, and the saved file is the text that was checked.
    const raw = text.replace(/^\uFEFF+/, '');
    // Astro's pattern, anchored at the start (`(?:^\uFEFF?|^\s*\n)(?:---|\+\+\+)([\s\S]*?\n)(?:---|\+\+\+)`).
    const front = /^---(?=\r?\n)([\s\S]*?\n)(?:---|\+\+\+)/.exec(raw);
    if (!front) {
      throw new BackendError(
        422,
        `A ${collection.name} entry starts with its fields between two "---" lines (front matter); this one has none. Fill in the fields and save again.`,
      );
    }
    let data: unknown;
    try {
      data = parse(front[1]!) ?? {};
    } catch {
      throw new BackendError(422, 'The front matter is not valid YAML');
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new BackendError(422, 'The front matter must be fields (name: value), one a line');
    for (const key of Object.keys(data)) {
      if (!collection.fields.has(key)) throw new BackendError(422, `The ${collection.name} collection has no field "${key}"`);
    }
    for (const key of collection.required) {
      const value = (data as Record<string, unknown>)[key];
      if (value === undefined || value === null || value === '')
        throw new BackendError(422, `The ${collection.name} collection needs the field "${key}"; fill it in and save again.`);
    }
    return raw;
  }

  /** Whether a translation's text has none of the words an entry needs in each language (its title, question, name…). */
  #untranslated(collection: Collection, text: string): boolean {
    const front = /^\uFEFF*---\r?\n([\s\S]*?\n)---/.exec(text);
    // Without front matter, or with broken front matter, it is not "untranslated": #checkFields says what is wrong.
    if (!front) return false;
    let data: Record<string, unknown>;
    try {
      data = (parse(front[1]!) as Record<string, unknown> | null) ?? {};
    } catch {
      return false;
    }
    return [...collection.words].every((key) => data[key] === undefined || data[key] === null || data[key] === '');
  }

  /** An upload: a file of an accepted type, in one of `folders`, whose bytes are what its name says. */
  #asset(value: unknown, folders: readonly string[]): { path: string; bytes: Buffer } {
    const a = (value ?? {}) as { path?: unknown; content?: unknown; encoding?: unknown };
    const file = this.#writable(a.path, 'asset path', { entries: [], media: folders });
    const check = MEDIA_TYPES[path.posix.extname(file).toLowerCase()];
    if (!check) throw new BackendError(415, `Upload images (JPEG, PNG, WebP, AVIF, GIF) or PDF files; ${path.posix.basename(file)} is not one.`);
    const content = str(a.content, 'content', Number.MAX_SAFE_INTEGER);
    if (content.length > Math.ceil((this.#maxUpload * 4) / 3) + 4) throw new BackendError(413, `Files may be at most ${this.#maxUpload / 1_000_000} MB.`);
    const bytes = Buffer.from(content, a.encoding === 'base64' ? 'base64' : 'utf8');
    if (bytes.length > this.#maxUpload) throw new BackendError(413, `Files may be at most ${this.#maxUpload / 1_000_000} MB.`);
    if (!check(bytes)) throw new BackendError(415, `${path.posix.basename(file)} is not the kind of file its name says.`);
    return { path: file, bytes };
  }

  /** A repository path inside the content folder; anything else (traversal, absolute, encoded) is refused. */
  #path(value: unknown, what: string): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 300) throw new BackendError(422, `${what} is missing or too long`);
    const bad = value.includes('\0') || value.includes('\\') || value.includes('%') || value.startsWith('/') || /^[a-z]:/i.test(value);
    const normal = path.posix.normalize(value).replace(/\/+$/, '');
    if (
      bad ||
      normal !== value.replace(/\/+$/, '') ||
      normal.split('/').includes('..') ||
      !(normal === this.#contentDir || normal.startsWith(`${this.#contentDir}/`))
    ) {
      throw new BackendError(400, `${what} must be a path inside ${this.#contentDir}/`);
    }
    return normal;
  }

  /**
   * The one rule for every path a request writes, moves an entry to or deletes: a plain path
   * inside the content folder (#path), no hidden file, and then either an entry of one of
   * `place.entries` (its folder or files, its extension) or a file of an upload type directly in
   * one of `place.media`. Refusals name `what` (path, newPath, asset path) for the editor.
   */
  #writable(value: unknown, what: string, place: Place): string {
    const file = this.#path(value, what);
    const name = path.posix.basename(file);
    if (name.startsWith('.')) throw new BackendError(422, `${what} ${file}: file names may not start with a dot`);
    if (place.entries.some((c) => holds(c, file))) return file;
    if (place.media.includes(path.posix.dirname(file))) {
      if (MEDIA_TYPES[path.posix.extname(file).toLowerCase()]) return file;
      if (place.entries.length === 0) throw new BackendError(415, `Upload images (JPEG, PNG, WebP, AVIF, GIF) or PDF files; ${name} is not one.`);
    }
    const allowed =
      place.entries.length > 1
        ? ['an entry of a collection', 'an upload in a media folder']
        : [
            ...place.entries.map((c) =>
              c.files ? `${[...c.files].join(' or ')} (the ${c.name} collection)` : `a ${c.extension} file directly in ${c.folder}/ (the ${c.name} collection)`,
            ),
            ...place.media.map((m) => `an upload in ${m}/`),
          ];
    throw new BackendError(422, `${what} ${file} is not something this can change here; it can only be ${allowed.join(' or ')}.`);
  }

  #workflowBranch(collection: string, slug: string): string {
    if (!this.#collections.has(collection)) throw new BackendError(422, `There is no collection "${collection}"`);
    if (!/^[a-z0-9][a-z0-9._-]{0,120}$/i.test(slug) || slug.includes('..')) throw new BackendError(400, 'That slug is not a plain file name');
    return `${CMS_BRANCH_PREFIX}${collection}/${slug}`;
  }

  async #onLiveBranch() {
    const current = await this.repo.text(['symbolic-ref', '--short', 'HEAD']).catch(() => '');
    if (current !== this.#branch) throw new BackendError(409, `The working copy is on "${current}", not the live branch "${this.#branch}"`);
  }

  async #entry(file: string, staff: Staff) {
    const data = await readFile(path.join(this.root, file)).catch(() => undefined);
    if (data) this.#reads.set(`${staff.accountId}:${this.#branch}:${file}`, sha256(data));
    return { data: data ? data.toString('utf8') : null, file: { path: file, id: data ? sha256(data) : null } };
  }

  async #list(folder: string, extension: string, depth: number): Promise<string[]> {
    if (depth <= 0) return [];
    const entries = await readdir(path.join(this.root, folder), { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(
      entries.map(async (e) => {
        const rel = `${folder}/${e.name}`;
        if (e.isDirectory()) return this.#list(rel, extension, depth - 1);
        return e.isFile() && rel.endsWith(extension) ? [rel] : [];
      }),
    );
    return nested.flat().sort();
  }

  async #writeAndCommit(files: Array<[string, Buffer | null]>, message: string, author: Author) {
    for (const [file, content] of files) {
      const full = path.join(this.root, file);
      if (content === null) await rm(full, { force: true });
      else {
        await mkdir(path.dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    const paths = files.map(([f]) => f);
    await this.repo.run(['add', '-A', '--', ...paths]);
    const staged = await this.repo.text(['diff', '--cached', '--name-only', '--', ...paths]);
    if (staged) await this.repo.run(['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths], { author });
  }
}

/** The actions that change the repository (with a shared one, they are pushed). */
const WRITES = new Set([
  'persistEntry',
  'persistMedia',
  'deleteFile',
  'deleteFiles',
  'deleteUnpublishedEntry',
  'updateUnpublishedEntryStatus',
  'publishUnpublishedEntry',
]);

/** A write pushed to the shared repository: another server's change first is a conflict, an unreachable repository a 503. */
function sharedWrite<T>(shared: SharedContent, write: () => Promise<T>): Promise<T> {
  return shared.write(write).catch((error: unknown) => {
    if (error instanceof ContentConflict) throw new BackendError(409, error.message);
    if (error instanceof ContentUnavailable)
      throw new BackendError(503, 'The shared content repository cannot be reached; nothing was saved. Try again in a minute.');
    throw error;
  });
}

/**
 * A new unpublished entry's workflow status. Where the entry's own status field decides what the
 * site shows (the FAQ), Decap's Draft / In review / Ready would be a second status to keep in step
 * and Publish would refuse until it said Ready: such entries start Ready, and the editor thinks
 * only about the entry's status.
 */
function initialStatus(collection: string, requested: unknown): string {
  if (SELF_STATUS_COLLECTIONS.has(collection)) return 'pending_publish';
  return typeof requested === 'string' ? requested : 'draft';
}

function media(file: string, data: Buffer) {
  return { id: sha256(data), content: data.toString('base64'), encoding: 'base64', path: file, name: path.posix.basename(file) };
}

function splitKey(id: string) {
  const i = id.indexOf('/');
  if (i <= 0) throw new BackendError(422, 'id must be <collection>/<slug>');
  return { collection: id.slice(0, i), slug: id.slice(i + 1) };
}

function commitMessage(p: Record<string, unknown>, fallback: string): string {
  const message = (p.options as { commitMessage?: unknown } | undefined)?.commitMessage;
  return typeof message === 'string' && message.trim() ? message.slice(0, 500) : fallback;
}

function inferCollection(collections: Map<string, Collection>, file: unknown): string | undefined {
  if (typeof file !== 'string') return undefined;
  return [...collections.values()].find((c) => holds(c, file))?.name;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The built-in CMS backend, when the site uses it (`cms.backend.name: 'rapport'`). */
      cms?: CmsBackend | undefined;
      /** The same backend when it can save: the project is a Git repository. */
      cmsBackend?: CmsBackend | undefined;
    }
  }
}
