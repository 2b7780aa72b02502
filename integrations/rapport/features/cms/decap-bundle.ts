import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Decap's standalone build in the installed package: where it is, which files it needs, where the site serves them. */
export interface DecapBundle {
  /** The package's `dist` folder. */
  dist: string;
  /** The script, the chunks it loads on demand, their WebAssembly and the licence notice (no source maps). */
  files: string[];
  /** The folder the site serves them from, named for their content: `/_astro/decap-cms.<hash>/`. */
  base: string;
  /** The script `/admin/` loads. */
  script: string;
}

const WANTED = /(^|\.)decap-cms\.js$|\.wasm$|^decap-cms\.js\.LICENSE\.txt$/;
let cached: DecapBundle | undefined;

/**
 * Decap's 5 MB script changes only when the package does, so it is served under a name made from
 * its content, in the folder the server already caches for a year (`/_astro/`): a repeat visit to
 * `/admin/` sends no request for it. Its chunks sit beside it, where Decap looks for them (webpack
 * resolves them against the script's own address).
 */
export function decapBundle(): DecapBundle {
  if (cached) return cached;
  const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('decap-cms/package.json')), 'dist');
  const files = readdirSync(dist)
    .filter((f) => WANTED.test(f))
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(path.join(dist, file)));
  const base = `/_astro/decap-cms.${hash.digest('hex').slice(0, 12)}/`;
  cached = { dist, files, base, script: `${base}decap-cms.js` };
  return cached;
}
