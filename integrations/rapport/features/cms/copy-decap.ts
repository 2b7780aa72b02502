import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Copies Decap CMS's standalone build (React included) from the installed `decap-cms` package
 * next to `/admin/`: the script, the chunks it loads on demand and their WebAssembly. No CDN.
 */
export async function copyDecap(outDir: string): Promise<number> {
  const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('decap-cms/package.json')), 'dist');
  const target = path.join(outDir, 'admin');
  await mkdir(target, { recursive: true });
  const files = (await readdir(dist)).filter((f) => /(^|\.)decap-cms\.js$|\.wasm$|^decap-cms\.js\.LICENSE\.txt$/.test(f));
  await Promise.all(files.map((f) => copyFile(path.join(dist, f), path.join(target, f))));
  return files.length;
}
