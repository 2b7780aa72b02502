import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import type { RapportUserConfig } from '../../integrations/rapport/config/schema.ts';
import {
  activeFeatures,
  enabledDeclarations,
  featureContext,
  featureRoutes,
  formEndpoints,
  resultPages,
} from '../../integrations/rapport/features/declared.ts';
import { FEATURES } from '../../integrations/rapport/features/index.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

// One contract every feature keeps (as unstorage's driver suite does for drivers), with every
// option on and with the smallest options, with and without a server.

const FULL: RapportUserConfig = {
  ...TEST_OPTIONS,
  features: { products: true, faq: true, newsletter: true, search: true },
  crm: { subscribe: true, accounts: true, contactForm: true, questions: { enabled: true }, orders: { enabled: true } },
  cms: { enabled: true },
};

const cases = [
  { name: 'every option on, with a server', options: FULL, server: true },
  { name: 'every option on, static', options: FULL, server: false },
  { name: 'the smallest options, with a server', options: TEST_OPTIONS, server: true },
];

describe.each(cases)('the features, $name', ({ options, server }) => {
  const config = parseOptions(options);
  const ctx = featureContext(config, server);
  const routes = featureRoutes(ctx);
  const endpoints = [...formEndpoints(config, server).values()];
  const results = resultPages(ctx);

  it('route to files that exist, each pattern once', () => {
    for (const r of routes) expect(existsSync(r.entrypoint), `${r.pattern} → ${r.entrypoint}`).toBe(true);
    expect(new Set(routes.map((r) => r.pattern)).size).toBe(routes.length);
  });

  it('draw every form on a private page and post it to its own path', () => {
    const privatePages = new Set(routes.filter((r) => r.private).map((r) => r.pattern));
    for (const e of endpoints) {
      expect(e.form(ctx.config).action, e.path).toBe(e.path);
      expect(privatePages.has((e.page ?? e.path).replace(/\/$/, '')), `${e.path} is drawn on a private page`).toBe(true);
    }
  });

  it('declare every form they answer in the privacy statement', () => {
    const declared = new Set(enabledDeclarations(config, server).flatMap((d) => d.forms.map((f) => f.id)));
    for (const e of endpoints) expect(declared.has(e.form(ctx.config).id), e.path).toBe(true);
  });

  it('send a bot caught by a trap to a page that exists', () => {
    const pages = new Set([...Object.keys(results), ...routes.map((r) => r.pattern)]);
    for (const e of endpoints) expect(pages.has(e.decoy.replace(/\/$/, '')), `${e.path} → ${e.decoy}`).toBe(true);
  });

  it('take no form, and draw no page per request, without a server', () => {
    if (server) return expect(endpoints.length).toBeGreaterThan(0);
    expect(endpoints).toEqual([]);
    expect(routes.filter((r) => r.private).map((r) => r.pattern)).toEqual([]);
    expect(activeFeatures(ctx).map((f) => f.id)).not.toContain('cms');
  });
});

describe('the list of features', () => {
  it('holds every folder of features/, by its id, each with a feature.ts', () => {
    const root = path.resolve(import.meta.dirname, '../../integrations/rapport/features');
    const folders = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    for (const folder of folders) expect(existsSync(path.join(root, folder, 'feature.ts')), `features/${folder}/feature.ts`).toBe(true);
    expect(FEATURES.map((f) => f.id).sort()).toEqual(folders);
  });
});
