import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { localePath } from '../../config/locales.ts';
import { isLanguageCode } from '../../content/entry-id.ts';
import { decapConfig } from './decap-config.ts';
import type { RapportConfig } from '../../config/schema.ts';

/**
 * On a site in several languages Decap lists an entry only by its language files (`about.en.md`):
 * an original still named `about.md` builds (as the default language) but is missing from the CMS.
 * The files an editor would not find, by collection folder, so the build can say which to rename.
 */
export async function unlistedOriginals(config: RapportConfig, root: string): Promise<string[]> {
  if (config.site.locales.length < 2) return [];
  const languages = config.site.locales.map(localePath);
  const folders = decapConfig(config, '').collections.flatMap((c) => ('folder' in c && typeof c.folder === 'string' ? [c.folder] : []));
  const unlisted = await Promise.all(
    folders.map(async (folder) => {
      const files = await readdir(path.join(root, folder)).catch(() => [] as string[]);
      return files
        .filter((file) => file.endsWith('.md'))
        .filter((file) => {
          const suffix = /\.([a-z]{2,3})\.md$/.exec(file);
          return !suffix || !isLanguageCode(suffix[1]!, languages);
        })
        .map((file) => `${folder}/${file}`);
    }),
  );
  return unlisted.flat();
}
