import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { copyDecap } from './copy-decap.ts';
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
  async afterBuild({ outDir }) {
    await copyDecap(outDir);
  },
  runtime: async () => (await import('./runtime.ts')).cmsRuntime(),
};
