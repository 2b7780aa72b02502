import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'astro/zod';
import { requestLocale } from '../../integrations/rapport/config/locales.ts';
import { parseOptions } from '../../integrations/rapport/config/parse-options.ts';
import type { FormEndpoint } from '../../integrations/rapport/core/forms/endpoint.ts';
import { emailAddress, personName } from '../../integrations/rapport/core/forms/fields.ts';
import type { FormState } from '../../integrations/rapport/core/forms/read-form.ts';
import { issueTimeTrap, TIME_TRAP_FIELD } from '../../integrations/rapport/core/security/spam-traps.ts';
import type { Services } from '../../integrations/rapport/core/services.ts';
import { migrateToLatest } from '../../integrations/rapport/core/store/migrate.ts';
import { openStore, type Store } from '../../integrations/rapport/core/store/open-store.ts';
import { serveForm } from '../../integrations/rapport/server/form-server.ts';
import { createServices } from '../../integrations/rapport/server/services.ts';
import { TEST_OPTIONS } from '../helpers/test-options.ts';

const SECRET = 's'.repeat(40);
const config = parseOptions({ ...TEST_OPTIONS, site: { ...TEST_OPTIONS.site, locales: ['en-CA', 'fr-CA'] } });

/** A form of core fields only: what every feature's form shares. Its handler stores nothing and says "thanks". */
const helloEndpoint: FormEndpoint = {
  path: '/hello',
  decoy: '/thanks/',
  form: () => ({
    id: 'hello',
    version: 1,
    action: '/hello',
    purpose: 'enquiries',
    submit: 'Send',
    schema: z.strictObject({ name: personName(), email: emailAddress() }),
  }),
  handle: () => Promise.resolve({ kind: 'redirect', location: '/thanks/' }),
};

/**
 * Rapport's form layer on a real store and a real HTTP server, as serve.ts calls it: the locale is
 * read from the path once (`requestLocale`); a form to draw again is handed to the page renderer,
 * here one that reports the page and the state it was given instead of drawing them.
 */
describe('a form sent from a French page', () => {
  let dir: string;
  let store: Store;
  let services: Services;
  let server: http.Server;
  let base: string;
  const now = new Date('2026-11-30T15:00:00Z');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rapport-i18n-'));
    store = openStore({ sqliteFile: path.join(dir, 'crm.sqlite') });
    await migrateToLatest(store);
    services = createServices(store, {
      config,
      site: 'https://shop.example',
      secret: SECRET,
      secretFile: path.join(dir, 'secret'),
      privacyVersion: 'test',
      clock: () => now,
      rateLimits: { perIp: { points: 1, duration: 600 } },
      log: () => {},
    });
    server = http.createServer((req, res) => {
      const { locale, path: formPath } = requestLocale(config.site, new URL(req.url!, 'http://x').pathname);
      if (formPath !== helloEndpoint.path) return void res.writeHead(404).end();
      void serveForm(helloEndpoint, req, res, {
        services,
        locale,
        trustProxy: true,
        maxBodyBytes: 4096,
        astro: (rq, rs, _next, locals) => {
          rs.writeHead(locals.rapport.form!.status, { 'Content-Type': 'application/json' });
          rs.end(JSON.stringify({ page: rq.url, state: locals.rapport.form }));
        },
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = async (pathname: string, fields: Record<string, string>, ip: string, contentType = 'application/x-www-form-urlencoded') => {
    const res = await fetch(`${base}${pathname}`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, 'X-Forwarded-For': ip },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
    });
    const text = await res.text();
    return {
      status: res.status,
      text,
      drawn: res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text) as { page: string; state: FormState }) : undefined,
    };
  };
  const shown = (ms: number) => issueTimeTrap(SECRET, new Date(now.getTime() - ms));

  it('comes back in French, drawn again on the French page', async () => {
    const { status, drawn } = await send('/fr/hello', { [TIME_TRAP_FIELD]: shown(10_000), email: 'nope' }, '192.0.2.1');
    expect(status).toBe(422);
    expect(drawn?.page).toBe('/fr/hello');
    expect(drawn?.state.message).toBe('Veuillez corriger les champs indiqués ci-dessous.');
    expect(drawn?.state.errors).toEqual({ name: 'Entrez votre nom.', email: 'Entrez une adresse courriel comme nom@exemple.ca.' });
  });

  it('and the same post from the English page comes back in English, as before', async () => {
    const { status, drawn } = await send('/hello', { [TIME_TRAP_FIELD]: shown(10_000), email: 'nope' }, '192.0.2.2');
    expect(status).toBe(422);
    expect(drawn?.page).toBe('/hello');
    expect(drawn?.state.message).toBe('Please correct the fields marked below.');
    expect(drawn?.state.errors.email).toBe('Enter an e-mail address like name@example.com.');
  });

  it('tells a French visitor in French when the form was sent too quickly, or too often from one network', async () => {
    const fast = await send('/fr/hello', { [TIME_TRAP_FIELD]: shown(500), name: 'Zoé', email: 'zoe@exemple.ca' }, '192.0.2.3');
    expect(fast.status).toBe(422);
    expect(fast.drawn?.state.message).toMatch(/^C’était plus rapide que prévu\u00a0: rien n’a encore été envoyé\./);
    const first = await send('/fr/hello', { [TIME_TRAP_FIELD]: shown(10_000), name: 'Zoé', email: 'zoe@exemple.ca' }, '192.0.2.4');
    expect(first.status).toBe(303);
    const second = await send('/fr/hello', { [TIME_TRAP_FIELD]: shown(10_000), name: 'Zoé', email: 'zoe@exemple.ca' }, '192.0.2.4');
    expect(second.status).toBe(429);
    expect(second.drawn?.state.message).toMatch(
      /^Trop de formulaires ont été envoyés depuis votre réseau .* attendez 10 minutes, puis envoyez-le de nouveau\.$/,
    );
    expect(second.drawn?.state.values).toEqual({ name: 'Zoé', email: 'zoe@exemple.ca' });
  });

  it('refuses a body it cannot read with a message in French', async () => {
    const { status, text } = await send('/fr/hello', { name: 'x' }, '192.0.2.5', 'text/plain');
    expect(status).toBe(415);
    expect(text).toBe('Envoyez le formulaire en application/x-www-form-urlencoded ou en multipart/form-data, sans fichiers.');
  });
});
