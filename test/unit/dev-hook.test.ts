import { pathToFileURL } from 'node:url';
import path from 'node:path';
import type { AstroIntegration } from 'astro';
import { describe, expect, it, vi } from 'vitest';
import rapport from '../../integrations/rapport/index.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

// Astro starts a Vite server during `astro build` too (to sync content), and runs
// `astro:server:setup` for it: Rapport's dev middleware (which opens the CRM store, migrates it and
// starts the mail worker) must start under `astro dev` only.

const root = pathToFileURL(`${path.resolve(import.meta.dirname, '../..')}/`);

async function serverSetupUnder(command: 'dev' | 'build') {
  // The reference site's privacy settings describe surveys, which it turns on.
  const integration: AstroIntegration = rapport({ ...TEST_OPTIONS, cms: { enabled: true }, crm: { surveys: { enabled: true } } });
  const noop = () => undefined;
  const logger = { info: noop, warn: noop, error: noop, debug: noop, fork: () => logger, label: 'rapport', options: {} };
  const hooks = integration.hooks as Record<string, (options: unknown) => unknown>;
  await hooks['astro:config:setup']!({
    config: {
      site: 'https://shop.example',
      adapter: { name: '@astrojs/node' },
      root,
      srcDir: new URL('src/', root),
      cacheDir: new URL('node_modules/.astro/', root),
      integrations: [],
    },
    command,
    updateConfig: noop,
    injectRoute: noop,
    addMiddleware: noop,
    logger,
  });
  const use = vi.fn();
  await hooks['astro:server:setup']!({ server: { middlewares: { use }, httpServer: null }, logger });
  return use;
}

describe('the dev middleware', () => {
  it('does not start when Astro runs a Vite server for a build', async () => {
    expect(await serverSetupUnder('build')).not.toHaveBeenCalled();
  });
});
