import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { buildSite } from './built-site.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const fixture = path.join(repo, 'test/fixtures/questions');
/** What a copy of the fixture leaves out: outputs and caches of earlier builds. */
const LEFT_OUT = ['dist', '.astro', 'node_modules'];
const notCopied = (src: string) => !LEFT_OUT.includes(path.basename(src));

/** A new folder for a copy of the site: its astro.config.mjs finds Rapport three folders up, so copies sit in .rapport/fixtures/. */
async function fixtureFolder(name: string): Promise<string> {
  await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
  return mkdtemp(path.join(repo, '.rapport', 'fixtures', `${name}-`));
}

/**
 * Builds test/fixtures/questions with the CMS on, once for the suites that serve it (global setup).
 * The seed is the copy it was built from, as the build left it: the build recorded the privacy
 * statement's first version in its content/settings/privacy-history.json. The seed is a Git
 * repository without a commit, so the build records no commit (a server sharing content then
 * keeps it at start, as one built before its content was first committed).
 */
export async function buildQuestionsWithCms() {
  const seed = await fixtureFolder('questions-cms');
  await cp(fixture, seed, { recursive: true, filter: notCopied });
  // Without a repository of its own the build would record the commit of the repository around it.
  execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: seed, stdio: 'pipe' });
  const site = await buildSite(seed, { env: { FIXTURE_CMS: '1' } });
  return {
    outDir: site.outDir,
    seed,
    cleanup: async () => {
      await site.cleanup();
      await rm(seed, { recursive: true, force: true });
    },
  };
}

/**
 * A copy of the shared build's seed in a new folder named `name-XXXXXX`: what a copy of the fixture
 * holds once built in place (with the build's caches, which the next build there reuses), without
 * the seed's repository.
 */
export async function copyOfSeed(seed: string, name: string): Promise<string> {
  const site = await fixtureFolder(name);
  await cp(seed, site, { recursive: true, filter: (src) => src !== path.join(seed, '.git') });
  return site;
}

/** The fixture's own files, relative to its folder: what a copy of it held before any build wrote into it. */
export function fixtureFiles(): string[] {
  return readdirSync(fixture, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(fixture, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).some((part) => LEFT_OUT.includes(part)));
}

/** A copy of a build's output that a test may change (the shared one is read by other suites at the same time). */
export async function ownCopyOfBuild(outDir: string) {
  await mkdir(path.join(repo, '.rapport', 'builds'), { recursive: true });
  const copy = await mkdtemp(path.join(repo, '.rapport', 'builds', 'build-'));
  await cp(outDir, copy, { recursive: true });
  return { outDir: copy, cleanup: () => rm(copy, { recursive: true, force: true }) };
}
