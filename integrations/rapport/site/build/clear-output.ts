import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';

const TRASH_PREFIX = '.rapport-old-output-';

/**
 * Empties the output folder at once, before Astro does it file by file: a Rapport site's output
 * holds five files per page (the page, its .gz and .br, its card, its search fragment), and
 * Astro's synchronous delete of them held up the start of a 5,000-page rebuild by ~1.7 s. The
 * old files are moved aside (one rename per top-level entry) and deleted by a separate process
 * while Astro builds; wait for the returned promise before the build ends.
 */
export function clearOutput(outDir: string): Promise<void> {
  const parent = path.dirname(outDir);
  try {
    if (existsSync(outDir)) {
      const trash = path.join(parent, `${TRASH_PREFIX}${path.basename(outDir)}-${process.pid}-${Date.now()}`);
      mkdirSync(trash);
      for (const entry of readdirSync(outDir)) {
        if (entry !== '.git') renameSync(path.join(outDir, entry), path.join(trash, entry)); // Astro keeps .git too
      }
    }
    // Folders left by builds that were killed before their delete finished go too.
    const targets = readdirSync(parent)
      .filter((name) => name.startsWith(TRASH_PREFIX))
      .map((name) => path.join(parent, name));
    return targets.length ? removeAll(targets) : Promise.resolve();
  } catch {
    return Promise.resolve(); // whatever is left, Astro deletes as it always does
  }
}

function removeAll(targets: string[]): Promise<void> {
  if (process.platform === 'win32') return Promise.all(targets.map((t) => rm(t, { recursive: true, force: true }))).then(() => undefined);
  return new Promise((resolve) => {
    // A child process: deleting thousands of files through Node's fs would keep the build's own thread busy.
    const child = spawn('rm', ['-rf', '--', ...targets], { stdio: 'ignore' });
    child.on('error', () => void Promise.all(targets.map((t) => rm(t, { recursive: true, force: true }).catch(() => undefined))).then(() => resolve()));
    child.on('exit', () => resolve());
  });
}
