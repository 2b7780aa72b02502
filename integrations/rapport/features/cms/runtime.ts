import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { RapportConfig } from '../../config/schema.ts';
import type { FeatureRuntime } from '../../core/feature.ts';
import { CMS_API_PATH, serveCmsApi } from './api.ts';
import { CmsBackend } from './backend.ts';
import { decapBundle } from './decap-bundle.ts';

// Uploads arrive base64-encoded in JSON: a third more than the file, plus the envelope.
const bodyLimit = (config: RapportConfig) => Math.ceil(config.cms.maxUploadMb * 1_000_000 * 1.4) + 65_536;

/** Decap's files, which the build copies into their content-named folder; under `astro dev` they are served from the package. */
const DECAP_FILE = /^\/_astro\/decap-cms\.[0-9a-f]+\/([\w.-]+\.(js|wasm))$/;

/** The built-in backend for Decap: commits to the project's Git repository, and publishing rebuilds the site. */
export const cmsRuntime = (): FeatureRuntime => ({
  async start(s, env) {
    if (s.config.cms.backend.name !== 'rapport') return;
    s.cms = new CmsBackend(env.projectRoot, s.config, env.site, env.shared);
    s.cmsBackend = (await s.cms.repo.isRepository()) ? s.cms : undefined;
  },
  publishes: (s) => s.cmsBackend !== undefined,
  handlers: [
    {
      method: 'POST',
      path: CMS_API_PATH,
      maxBodyBytes: bodyLimit,
      async handle(req, res, { services, publish }) {
        if (!services.cms) return void res.writeHead(404).end();
        await serveCmsApi(req, res, { services, backend: services.cmsBackend, maxBodyBytes: bodyLimit(services.config), onPublished: publish });
      },
    },
    {
      method: 'GET',
      path: DECAP_FILE,
      devOnly: true,
      async handle(req, res) {
        const { dist, files, base } = decapBundle();
        const pathname = new URL(req.url ?? '/', 'http://dev').pathname;
        const file = pathname.slice(base.length);
        if (!pathname.startsWith(base) || !files.includes(file)) return void res.writeHead(404).end();
        res.writeHead(200, { 'Content-Type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8' });
        createReadStream(path.join(dist, file)).pipe(res);
      },
    },
  ],
});
