import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { decapBundle } from './decap-bundle.ts';

/**
 * Copies Decap CMS's standalone build (React included) from the installed `decap-cms` package
 * into its content-named folder (`decap-bundle.ts`): the script, the chunks it loads on demand
 * and their WebAssembly. No CDN.
 */
export async function copyDecap(outDir: string): Promise<number> {
  const { dist, files, base } = decapBundle();
  const target = path.join(outDir, ...base.split('/').filter(Boolean));
  await mkdir(target, { recursive: true });
  await Promise.all(files.map((f) => copyFile(path.join(dist, f), path.join(target, f))));
  return files.length;
}
