import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearOutput } from '../../integrations/rapport/site/build/clear-output.ts';

describe('emptying the output folder before a build', () => {
  it('empties it at once but for .git, and deletes the old files (and those of a killed build) before the promise settles', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'rapport-clear-'));
    try {
      const outDir = path.join(root, 'dist');
      await mkdir(path.join(outDir, 'products', 'tulip'), { recursive: true });
      await mkdir(path.join(outDir, '.git'));
      await writeFile(path.join(outDir, 'products', 'tulip', 'index.html'), 'old page');
      await writeFile(path.join(outDir, 'index.html.br'), 'old copy');
      await mkdir(path.join(root, '.rapport-old-output-dist-1-2', 'og'), { recursive: true });
      await mkdir(path.join(root, 'src'));

      const done = clearOutput(outDir);
      expect(await readdir(outDir)).toEqual(['.git']);
      await done;
      expect((await readdir(root)).sort()).toEqual(['dist', 'src']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('does nothing when there is no output yet', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'rapport-clear-'));
    try {
      await clearOutput(path.join(root, 'dist'));
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
