import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { localePath } from '../../config/locales.ts';
import { copyDecap } from './copy-decap.ts';
import { unlistedOriginals } from './unlisted-originals.ts';
import { cmsPrivacy } from './privacy.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));

/** Decap CMS at /admin/, configured from the content schemas, on Rapport's own Git backend or a Git host's. */
export const cmsFeature: RapportFeature = {
  id: 'cms',
  enabled: ({ config }) => config.cms.enabled,
  routes: () => [
    { pattern: '/admin', entrypoint: route('admin.astro'), private: true },
    { pattern: '/admin/config.yml', entrypoint: route('config.yml.ts'), private: true },
    { pattern: '/admin/preview.css', entrypoint: route('preview.css.ts'), private: true },
  ],
  // Staff sign in to the built-in backend with the session cookie; a Git host's backend is theirs to declare.
  privacy: ({ config }) => (config.cms.backend.name === 'rapport' ? [cmsPrivacy()] : []),
  async afterBuild({ outDir, config, root, logger }) {
    await copyDecap(outDir);
    const unlisted = await unlistedOriginals(config, fileURLToPath(root));
    if (unlisted.length > 0) {
      const shown = unlisted.slice(0, 5).join(', ') + (unlisted.length > 5 ? ` and ${unlisted.length - 5} more` : '');
      const language = localePath(config.site.locale);
      logger.warn(
        `The CMS lists an entry of a site in several languages by its language files, so ${unlisted.length} ${unlisted.length === 1 ? 'entry is' : 'entries are'} on the site but not in the CMS: ${shown}. Rename each to <slug>.${language}.md (git mv), keeping its slug.`,
      );
    }
  },
  runtime: async () => (await import('./runtime.ts')).cmsRuntime(),
};
