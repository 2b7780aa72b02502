import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { GitError, NO_BUILD_TRAILER, Repo } from './git.ts';
import { adoptWorkflow, configureRemote, describeRef, mirrorWorkflow, SHARED_REMOTE, sharedRefs } from './shared-refs.ts';

/**
 * How often a write goes round (fetch, rebase, push) when other servers keep pushing first. Each
 * round waits a random pause that grows (to at most a second), so three servers in a burst take
 * turns; on a loaded machine a round is slow, and ten proved too few for one writer to get a turn.
 */
const MAX_PUSH_ATTEMPTS = 25;

/** Another server changed the same thing first; nothing of this write was kept. The message is for people. */
export class ContentConflict extends Error {
  override readonly name = 'ContentConflict';
}

/** The shared repository could not be reached (or refused the push for another reason); nothing was kept. */
export class ContentUnavailable extends Error {
  override readonly name = 'ContentUnavailable';
}

export interface SharedRepoOptions {
  /** The shared repository: a path to a bare repository, or a Git URL. */
  url: string;
  /** This server's working copy: cloned there when it is not a repository yet. */
  dir: string;
  /** The live branch. */
  branch: string;
  log(message: string): void;
  /** The live branch moved: a fetch brought another server's commit, or this server pushed one. */
  onLive?(commit: string): void;
  /** This server pushed (a live commit, whose id it is given, or workflow branches), to tell the others at once. */
  onPushed?(liveCommit: string): void;
}

/**
 * A working copy that several servers share through one Git repository. Every write runs alone
 * on the freshly fetched copy and is pushed with a compare-and-swap on each ref it moved
 * (`--force-with-lease`, all refs or none); when another server pushed first, a live-branch commit
 * that touches other files is rebased and pushed again, and anything else is a `ContentConflict`
 * after which the copy is put back as the shared repository has it. Workflow branches
 * (`cms/*`) and their statuses are mirrored from the shared repository, never merged.
 */
export class SharedRepo {
  readonly repo: Repo;
  readonly #options: SharedRepoOptions;
  readonly #live: string;
  #lock: Promise<unknown> = Promise.resolve();
  #fetchedAt = 0;
  #liveTip: string | undefined;
  /** This copy's own unpublished entries were pushed (or it had none): from now on it mirrors the shared ones. */
  #adopted = false;

  private constructor(options: SharedRepoOptions) {
    this.#options = options;
    this.repo = new Repo(options.dir);
    this.#live = `refs/heads/${options.branch}`;
  }

  /** Clones the shared repository into `dir` when it is not a working copy yet, and brings it up to date. */
  static async open(options: SharedRepoOptions): Promise<SharedRepo> {
    const dir = path.resolve(options.dir);
    const cloned = !existsSync(path.join(dir, '.git'));
    if (cloned) {
      if (existsSync(dir) && readdirSync(dir).length > 0)
        throw new Error(`${dir} is neither empty nor a Git working copy: point the content folder at an empty folder, or clone ${options.url} there.`);
      await mkdir(path.dirname(dir), { recursive: true });
      await new Repo(path.dirname(dir))
        .run(['clone', '--quiet', '--origin', SHARED_REMOTE, '--branch', options.branch, options.url, dir])
        .catch((error: unknown) => {
          throw new Error(
            `Could not clone the shared content repository ${options.url} into ${dir}: ${error instanceof Error ? error.message : String(error)}`,
          );
        });
    }
    const shared = new SharedRepo({ ...options, dir });
    const git = shared.repo;
    await configureRemote(git, options.url);
    const head = await git.text(['symbolic-ref', '--short', 'HEAD']).catch(() => '');
    if (head !== options.branch)
      options.log(`The content working copy ${dir} is on "${head}", not the live branch "${options.branch}": the CMS will refuse to publish.`);
    // A copy made before serves what it holds while the shared repository is away (the periodic fetch catches up).
    const fetched = await shared.#fetch().then(
      () => true,
      (error: unknown) => {
        if (cloned) throw error;
        options.log(`${describe(error)}; serving the content as this copy has it.`);
        return false;
      },
    );
    if (fetched) await shared.#follow(false);
    shared.#liveTip ??= await git.tip(options.branch);
    return shared;
  }

  get dir(): string {
    return this.repo.dir;
  }

  /** The live branch's commit in this copy. */
  get liveCommit(): string | undefined {
    return this.#liveTip;
  }

  /** Fetches and brings the copy up to date, unless that was done less than `maxAgeMs` ago. */
  refresh(maxAgeMs = 0): Promise<void> {
    return this.#exclusive(async () => {
      if (Date.now() - this.#fetchedAt < maxAgeMs) return;
      await this.#fetch();
      await this.#follow(true);
    });
  }

  /**
   * Runs `write` (commits on the live branch or workflow branches of the working copy) alone on
   * the freshly fetched copy, then pushes every ref it moved. Throws `ContentConflict` when
   * another server changed the same entry first, `ContentUnavailable` when the shared repository
   * cannot be reached; either way the copy is left as the shared repository has it.
   */
  write<T>(write: () => Promise<T>): Promise<T> {
    return this.#exclusive(() =>
      this.#write(write).catch((error: unknown) => {
        // Editors are told "cannot be reached"; the operator needs the reason.
        if (error instanceof ContentUnavailable) this.#options.log(error.message);
        throw error;
      }),
    );
  }

  async #write<T>(write: () => Promise<T>): Promise<T> {
    await this.#fetch();
    await this.#follow(true);
    const before = await this.#refs('local');
    let result: T;
    try {
      result = await write();
    } catch (error) {
      await this.#discardIfMoved(before);
      throw error;
    }
    const after = await this.#refs('local');
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((ref) => before.get(ref) !== after.get(ref));
    if (changed.length > 0) {
      try {
        await this.#push(before, changed);
      } catch (error) {
        await this.#discard().catch((e: unknown) => this.#options.log(`The content working copy could not be put back: ${String(e)}`));
        throw error;
      }
    }
    return result;
  }

  async #push(before: Map<string, string>, changed: string[]) {
    for (let attempt = 0; ; attempt++) {
      const theirs = (await this.#refs('remote')).get(this.#live);
      // The live branch goes on top of the shared one, never over it: a commit pushed meanwhile, or one this copy never had.
      if (changed.includes(this.#live) && theirs && !(await this.#isAncestor(theirs, this.#live))) await this.#rebaseLive(theirs);
      // Compare-and-swap: workflow refs must still be what this write started from, the live branch what was just fetched.
      const leases = changed.map((ref) => `--force-with-lease=${ref}:${(ref === this.#live ? theirs : before.get(ref)) ?? ''}`);
      const now = await this.#refs('local');
      const specs = changed.map((ref) => (now.has(ref) ? `${ref}:${ref}` : `:${ref}`));
      try {
        await this.repo.run(['push', '--quiet', '--atomic', SHARED_REMOTE, ...leases, ...specs]);
        const tip = now.get(this.#live);
        if (changed.includes(this.#live) && tip) await this.#moved(tip);
        if (tip) this.#options.onPushed?.(tip);
        return;
      } catch (error) {
        if (!(error instanceof GitError) || attempt >= MAX_PUSH_ATTEMPTS - 1)
          throw new ContentUnavailable(`The shared content repository refused the change: ${describe(error)}`);
        await this.#fetch();
        const fresh = await this.#refs('remote');
        const workflow = changed.find((ref) => ref !== this.#live && fresh.get(ref) !== before.get(ref));
        if (workflow)
          throw new ContentConflict(`${describeRef(workflow)} was changed on another server at the same time. Reload it and apply your change again.`);
        // Another server's live commit: go round, on top of it. Nothing moved: refused for another reason.
        if (!changed.includes(this.#live) || fresh.get(this.#live) === theirs)
          throw new ContentUnavailable(`The shared content repository refused the change: ${describe(error)}`);
        // Servers racing each other again and again (a burst of drafts) take turns after a random pause.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 100 * (attempt + 1))));
      }
    }
  }

  /**
   * Commits on the live branch the shared one does not have go on top of `theirs`, unless both
   * sides changed the same file differently (then nobody's text is overwritten: a conflict).
   */
  async #rebaseLive(theirs: string) {
    const base = await this.repo.text(['merge-base', this.#live, theirs]);
    const names = async (from: string, to: string) => (await this.repo.text(['diff', '--name-only', from, to])).split('\n').filter(Boolean);
    const theirFiles = new Set(await names(base, theirs));
    const both = (await names(base, this.#live)).filter((f) => theirFiles.has(f));
    const same =
      both.length === 0 ||
      (await this.repo.run(['diff', '--quiet', theirs, this.#live, '--', ...both]).then(
        () => true,
        () => false,
      ));
    if (!same) throw new ContentConflict(`${both.join(', ')} was changed on another server at the same time. Reload it and apply your change again.`);
    await this.repo.run(['rebase', '--quiet', '--autostash', '--rebase-merges', '--onto', theirs, base]).catch(async (error: unknown) => {
      await this.repo.run(['rebase', '--abort']).catch(() => undefined);
      throw new ContentConflict(
        `Your change could not be combined with one made on another server at the same time (${describe(error)}). Reload and apply it again.`,
      );
    });
  }

  #isAncestor(ancestor: string, of: string): Promise<boolean> {
    return this.repo.run(['merge-base', '--is-ancestor', ancestor, of]).then(
      () => true,
      () => false,
    );
  }

  /** Puts the copy back as the shared repository has it (after a refused write). */
  async #discard() {
    await this.repo.run(['rebase', '--abort']).catch(() => undefined);
    const remote = await this.#refs('remote');
    const tip = remote.get(this.#live);
    if (tip) await this.repo.run(['reset', '--quiet', '--keep', tip]);
    await this.#mirror();
  }

  async #discardIfMoved(before: Map<string, string>) {
    const now = await this.#refs('local');
    const moved = [...new Set([...before.keys(), ...now.keys()])].some((ref) => before.get(ref) !== now.get(ref));
    if (moved) await this.#discard().catch((e: unknown) => this.#options.log(`The content working copy could not be put back: ${String(e)}`));
  }

  async #fetch() {
    await this.repo.run(['fetch', '--quiet', '--prune', SHARED_REMOTE]).catch((error: unknown) => {
      throw new ContentUnavailable(`The shared content repository ${this.#options.url} cannot be reached: ${describe(error)}`);
    });
    this.#fetchedAt = Date.now();
  }

  /** The live branch fast-forwarded to the fetched one (the working tree with it), workflow branches mirrored. */
  async #follow(announce: boolean) {
    // Never fetched (the shared repository was away at start): nothing to follow, and mirroring would drop this copy's branches.
    if (this.#fetchedAt === 0) return;
    if (!this.#adopted) {
      await this.#adopt();
      this.#adopted = true;
    }
    const remote = (await this.#refs('remote')).get(this.#live);
    const local = await this.repo.tip(this.#options.branch);
    if (remote && local !== remote) {
      if (!local || (await this.#isAncestor(local, remote))) {
        await this.repo
          // A file the last build rewrote (the privacy history) may differ from what is committed: set aside and put back.
          .run(['merge', '--quiet', '--ff-only', '--autostash', remote])
          .catch((error: unknown) => this.#options.log(`The content working copy could not take the shared live branch: ${describe(error)}`));
      } else if (!(await this.#isAncestor(remote, local))) {
        // The next save puts this copy's commits on top of the shared ones (or reports the conflict).
        this.#options.log(`The content working copy's ${this.#options.branch} and the shared one have both moved on: it is left as it is until the next save.`);
      }
    }
    await this.#mirror();
    const tip = await this.repo.tip(this.#options.branch);
    if (tip && tip !== this.#liveTip) {
      if (announce && this.#liveTip !== undefined) await this.#moved(tip);
      this.#liveTip = tip;
    }
  }

  /** The live branch is at `tip` now: `onLive`, unless every new commit says the site needs no build for it. */
  async #moved(tip: string) {
    const from = this.#liveTip;
    this.#liveTip = tip;
    const bodies = from ? await this.repo.text(['log', '--format=%B%x00', `${from}..${tip}`]).catch(() => undefined) : undefined;
    const commits =
      bodies
        ?.split('\0')
        .map((b) => b.trim())
        .filter(Boolean) ?? [];
    if (commits.length > 0 && commits.every((b) => b.split('\n').includes(NO_BUILD_TRAILER))) return;
    this.#options.onLive?.(tip);
  }

  /** Unpublished entries this copy had before it was shared go to the shared repository first (`adoptWorkflow`). */
  async #adopt() {
    const adopted = await adoptWorkflow(this.repo, this.#options.branch);
    if (adopted.length === 0) return;
    this.#options.log(`Shared this copy's unpublished entries with the other servers: ${adopted.join(', ')}.`);
    await this.#fetch();
  }

  #mirror() {
    return mirrorWorkflow(this.repo, this.#options.branch);
  }

  #refs(side: 'local' | 'remote'): Promise<Map<string, string>> {
    return sharedRefs(this.repo, this.#options.branch, side);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
