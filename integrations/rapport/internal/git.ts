import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { rm } from 'node:fs/promises';

/** Decap's editorial workflow keeps each unpublished entry on a branch `cms/<collection>/<slug>`. */
export const CMS_BRANCH_PREFIX = 'cms/';

export interface Author {
  name: string;
  email: string;
}

export class GitError extends Error {
  readonly code: number | null;
  constructor(message: string, code: number | null) {
    super(message);
    this.code = code;
  }
}

/**
 * One repository, driven through the `git` command. Branch work (the editorial workflow) uses
 * plumbing on a private index, so the working tree the site is built from never changes branch;
 * only publishing merges into it.
 */
export class Repo {
  readonly dir: string;
  readonly #committer: Author;
  /**
   * Where a workflow branch's status lives: the branch description (local Git config, as
   * decap-server keeps it), or, when several servers share the repository, a ref
   * (`refs/cms-status/<collection>/<slug>` → a blob), which is pushed and fetched with the branch.
   */
  statusInRefs = false;

  constructor(dir: string, committer: Author = { name: 'Rapport', email: 'rapport@localhost' }) {
    this.dir = dir;
    this.#committer = committer;
  }

  run(args: string[], options: { input?: Buffer | string; env?: Record<string, string>; author?: Author | undefined } = {}): Promise<Buffer> {
    const author = options.author ?? this.#committer;
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: author.name,
      GIT_AUTHOR_EMAIL: author.email,
      GIT_COMMITTER_NAME: this.#committer.name,
      GIT_COMMITTER_EMAIL: this.#committer.email,
      GIT_TERMINAL_PROMPT: '0',
      ...options.env,
    };
    return new Promise((resolve, reject) => {
      const child = spawn('git', args, { cwd: this.dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve(Buffer.concat(out));
        else reject(new GitError(`git ${args[0]} failed: ${Buffer.concat(err).toString().trim()}`, code));
      });
      child.stdin.end(options.input);
    });
  }

  async text(args: string[], options?: Parameters<Repo['run']>[1]): Promise<string> {
    return (await this.run(args, options)).toString('utf8').trim();
  }

  async isRepository(): Promise<boolean> {
    return this.text(['rev-parse', '--is-inside-work-tree']).then(
      (t) => t === 'true',
      () => false,
    );
  }

  /** The commit a branch points at, or undefined. */
  async tip(branch: string): Promise<string | undefined> {
    return this.text(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]).catch(() => undefined);
  }

  async branches(prefix: string): Promise<string[]> {
    const out = await this.text(['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}`]);
    return out ? out.split('\n') : [];
  }

  /** A file's bytes on a branch, or undefined when it is not there. */
  async show(branch: string, file: string): Promise<Buffer | undefined> {
    return this.run(['show', `refs/heads/${branch}:${file}`]).catch(() => undefined);
  }

  async description(branch: string): Promise<string> {
    if (this.statusInRefs) return this.text(['cat-file', 'blob', statusRef(branch)]).catch(() => '');
    return this.text(['config', '--get', `branch.${branch}.description`]).catch(() => '');
  }

  async setDescription(branch: string, value: string): Promise<void> {
    if (!this.statusInRefs) return void (await this.run(['config', `branch.${branch}.description`, value]));
    const blob = await this.text(['hash-object', '-w', '--stdin'], { input: value });
    await this.run(['update-ref', statusRef(branch), blob]);
  }

  /** Deletes a workflow branch and its status; rejects when the branch does not exist. */
  async deleteBranch(branch: string): Promise<void> {
    await this.run(['branch', '-D', branch]);
    if (this.statusInRefs) await this.run(['update-ref', '-d', statusRef(branch)]).catch(() => undefined);
  }

  /** `git diff --name-status base branch`: what the branch changes. */
  async changes(base: string, branch: string): Promise<Array<{ status: string; path: string; oldPath: string }>> {
    const out = await this.text(['diff', '--name-status', '--no-renames', `refs/heads/${base}`, `refs/heads/${branch}`]);
    return out
      ? out.split('\n').map((line) => {
          const [status = 'M', file = ''] = line.split('\t');
          return { status, path: file, oldPath: file };
        })
      : [];
  }

  /**
   * Commits `files` (path → bytes, or null to delete) on top of `branch` without touching the
   * working tree, creating the branch from `from` when it does not exist. The ref moves only if
   * nobody moved it meanwhile.
   */
  async commitToBranch(branch: string, from: string, files: Map<string, Buffer | null>, message: string, author: Author): Promise<string> {
    const existing = await this.tip(branch);
    const parent = existing ?? (await this.tip(from));
    if (!parent) throw new GitError(`Branch ${from} does not exist`, null);
    const index = `${this.dir}/.git/rapport-index-${process.pid}-${Date.now()}`;
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.run(['read-tree', parent], { env });
      for (const [file, content] of files) {
        if (content === null) {
          await this.run(['update-index', '--force-remove', '--', file], { env });
          continue;
        }
        const blob = await this.text(['hash-object', '-w', '--stdin'], { input: content });
        await this.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`], { env });
      }
      const tree = await this.text(['write-tree'], { env });
      const commit = await this.text(['commit-tree', tree, '-p', parent, '-m', message], { author });
      // Compare-and-swap: fails if the branch moved (or appeared) since we read it.
      await this.run(['update-ref', `refs/heads/${branch}`, commit, existing ?? '0'.repeat(40)]);
      return commit;
    } finally {
      await rm(index, { force: true });
    }
  }
}

/**
 * The trailer on a commit that changes nothing the site shows (a visitor's question as a hidden
 * draft, the privacy history the build that wrote it already shows): servers sharing content
 * take it without building.
 */
export const NO_BUILD_TRAILER = 'Rapport-Build: not needed';

/** `message` with the trailer that spares the other servers a build. */
export const noBuildNeeded = (message: string) => `${message}\n\n${NO_BUILD_TRAILER}`;

/** Where a shared workflow branch's status is kept. */
export const STATUS_REFS = 'refs/cms-status/';
const statusRef = (branch: string) => `${STATUS_REFS}${branch.startsWith(CMS_BRANCH_PREFIX) ? branch.slice(CMS_BRANCH_PREFIX.length) : branch}`;

const run = promisify(execFile);

/**
 * Commits `file` (relative to `folder`) alone, as "Rapport", when `folder` is in a Git work tree
 * and the file differs from what is committed; otherwise does nothing.
 */
export async function commitIfRepository(folder: string, file: string, message: string): Promise<void> {
  const inside = await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: folder }).then(
    (r) => r.stdout.trim() === 'true',
    () => false,
  );
  if (!inside || !(await run('git', ['status', '--porcelain', '--', file], { cwd: folder })).stdout.trim()) return;
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Rapport',
    GIT_AUTHOR_EMAIL: 'rapport@localhost',
    GIT_COMMITTER_NAME: 'Rapport',
    GIT_COMMITTER_EMAIL: 'rapport@localhost',
  };
  await run('git', ['add', '--', file], { cwd: folder, env });
  await run('git', ['commit', '--quiet', '--no-verify', '-m', message, '--only', '--', file], { cwd: folder, env });
}

/** The commit `HEAD` names in the Git repository `dir` is in, or undefined (no repository, no commit yet). */
export function headCommit(dir: string): string | undefined {
  try {
    return (
      execFileSync('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}
