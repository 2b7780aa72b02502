import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { dev } from 'astro';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decapBundle } from '../../integrations/rapport/features/cms/decap-bundle.ts';
import { raw } from '../helpers/form-client.ts';

const repo = path.resolve(import.meta.dirname, '../..');

/** `astro dev` serves the CMS backend and Decap as Rapport's server does (forms: see the README). */
describe('under astro dev', () => {
  // Started from inside the test runner, Astro's dev server answered 404 for its own pages, so
  // the forms under `astro dev` were checked by hand (curl: form page, 303 after a post, staff
  // sign-in, CMS API); this test covers what Rapport's middleware answers itself.
  let site: string;
  let server: Awaited<ReturnType<typeof dev>>;
  let base: string;

  beforeAll(async () => {
    process.env.FIXTURE_CMS = '1';
    await mkdir(path.join(repo, '.rapport', 'fixtures'), { recursive: true });
    site = await mkdtemp(path.join(repo, '.rapport', 'fixtures', 'dev-'));
    await cp(path.join(repo, 'test/fixtures/questions'), site, { recursive: true, filter: (src) => !/[/\\](dist|\.astro|node_modules)$/.test(src) });
    execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: site });
    server = await dev({ root: site, logLevel: 'error', server: { port: 4590 + Math.floor(Math.random() * 300), host: '127.0.0.1' } });
    base = `http://127.0.0.1:${server.address.port}`;
  });
  afterAll(async () => {
    await server?.stop();
    delete process.env.FIXTURE_CMS;
    await rm(site, { recursive: true, force: true });
  });

  it('serves Decap from the installed package and refuses the CMS backend without a staff session', async () => {
    const script = await raw(`${base}${decapBundle().script}`);
    expect(script.status).toBe(200);
    expect(script.text.length).toBeGreaterThan(1_000_000);
    const api = await raw(`${base}/admin/api/v1`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: '{"action":"info"}' });
    expect(api.status).toBe(401);
  });
});
