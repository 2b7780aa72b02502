import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SearchBuild } from './build-search.ts';

/** Bump when what the search build writes changes without its inputs changing. */
const CACHE_VERSION = 2;
const SERVER_INDEX = 'server-index.json';
const SUMMARY = 'summary.json';

/**
 * The search indexes of the last build, kept by a digest of what they were built from (every
 * indexable page's path and HTML, Pagefind's version, the live-search script): an unchanged site
 * links them into the output instead of running Pagefind again, which is most of a warm rebuild's
 * after-build time. Only the latest build is kept.
 */
export class SearchCache {
  private readonly dir: string;
  private readonly entry: string;

  constructor(cacheDir: string, pages: ReadonlyArray<{ url: string; html: string }>, withServer: boolean) {
    this.dir = path.join(cacheDir, 'search');
    const hash = createHash('sha256').update(JSON.stringify([CACHE_VERSION, pagefindVersion(), liveScript(), withServer]));
    for (const page of pages) hash.update(`\0${page.url}\0`).update(page.html);
    this.entry = path.join(this.dir, hash.digest('hex').slice(0, 32));
  }

  /** Places the cached indexes (Pagefind's folder, the server's index) and returns what the build wrote then; undefined when there are none. */
  restore(pagefindDir: string, serverIndexFile: string | undefined): SearchBuild | undefined {
    const summaryFile = path.join(this.entry, SUMMARY);
    if (!existsSync(summaryFile)) return undefined;
    rmSync(pagefindDir, { recursive: true, force: true });
    linkTree(path.join(this.entry, 'pagefind'), pagefindDir);
    if (serverIndexFile) copyFileSync(path.join(this.entry, SERVER_INDEX), serverIndexFile);
    return JSON.parse(readFileSync(summaryFile, 'utf8')) as SearchBuild;
  }

  /** Keeps this build's indexes for the next one (written aside, then renamed, so a crash leaves no half entry). */
  save(pagefindDir: string, serverIndexFile: string | undefined, summary: SearchBuild): void {
    for (const old of existsSync(this.dir) ? readdirSync(this.dir) : []) rmSync(path.join(this.dir, old), { recursive: true, force: true });
    const tmp = `${this.entry}.${process.pid}.tmp`;
    linkTree(pagefindDir, path.join(tmp, 'pagefind'));
    if (serverIndexFile) copyFileSync(serverIndexFile, path.join(tmp, SERVER_INDEX));
    writeFileSync(path.join(tmp, SUMMARY), JSON.stringify(summary));
    renameSync(tmp, this.entry);
  }
}

/** Hard-links every file under `from` into `to` (copies across filesystems). */
function linkTree(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(to, path.relative(from, source));
    mkdirSync(path.dirname(target), { recursive: true });
    try {
      linkSync(source, target);
    } catch {
      copyFileSync(source, target);
    }
  }
}

function pagefindVersion(): string {
  const main = fileURLToPath(import.meta.resolve('pagefind'));
  return (JSON.parse(readFileSync(path.join(path.dirname(main), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

const liveScript = () => readFileSync(new URL('./pagefind-live.js', import.meta.url), 'utf8');
