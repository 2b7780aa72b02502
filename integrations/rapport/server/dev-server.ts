import { createReadStream, existsSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RapportConfig } from '../config/schema.ts';
import type { FormServices } from '../core/forms/endpoint.ts';
import { startMailWorker } from '../core/mail/mail-worker.ts';
import { mailFrom } from '../core/mail/identity.ts';
import { createMailTransport } from '../core/mail/transport.ts';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite, writeProbe } from '../core/security/cross-site.ts';
import { createLimiters } from '../core/security/rate-limit.ts';
import { loadSecret } from '../core/security/secret.ts';
import { systemClock } from '../core/store/contacts.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore } from '../core/store/open-store.ts';
import { syncDrafts } from '../features/faq/questions.ts';
import { CMS_API_PATH, serveCmsApi } from './cms-api.ts';
import { formEndpoints } from './form-endpoints.ts';
import { serveForm } from './form-server.ts';
import { contentRepository } from './serve.ts';
import { CATALOG_FILE, catalogOf, type Catalog } from '../features/orders/catalog.ts';
import type { CatalogProduct } from '../features/orders/pricing.ts';

type Next = (error?: unknown) => void;
const LOCALS = Symbol.for('astro.locals');

/**
 * Under `astro dev`: the same forms, CMS backend and Decap files as Rapport's server, on the
 * same store (DATABASE_URL or var/rapport.sqlite) and mail settings, as Vite middleware. Pages are
 * still Astro's, given the services through `locals`.
 */
export async function devMiddleware(config: RapportConfig, site: string, root: string, privacyVersion: string, log: (message: string) => void) {
  const store = openStore({ databaseUrl: process.env.DATABASE_URL, sqliteFile: path.join(root, 'var', 'rapport.sqlite') });
  await migrateToLatest(store);
  const services: FormServices = {
    db: store.db,
    dialect: store.dialect,
    clock: systemClock,
    config,
    site: new URL(process.env.SITE_URL ?? site),
    secret: loadSecret({ env: process.env.RAPPORT_SECRET, file: path.join(root, 'var', 'rapport-secret') }),
    privacyVersion,
    limits: createLimiters(store.db),
    log,
  };
  const { cms, cmsBackend, drafts } = await contentRepository(config, site, root);
  services.drafts = drafts;
  const mail = startMailWorker({ db: store.db, from: mailFrom(config), transport: createMailTransport({ smtpUrl: process.env.SMTP_URL, mailDir: path.join(root, 'var', 'mail') }) });
  const endpoints = formEndpoints(config);
  const decapDir = cms ? path.join(path.dirname(createRequire(import.meta.url).resolve('decap-cms/package.json')), 'dist') : undefined;
  const siteOrigins = new Set<string>();
  const locals = { rapport: { services } };

  const middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: Next) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Decap's files, as the build copies them next to /admin/.
    const file = decapDir && /^\/admin\/([\w.-]+\.(js|wasm))$/.exec(url.pathname)?.[1];
    if (file && decapDir && existsSync(path.join(decapDir, file))) {
      res.writeHead(200, { 'Content-Type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8' });
      createReadStream(path.join(decapDir, file)).pipe(res);
      return;
    }
    Reflect.set(req, LOCALS, locals);
    if (req.method !== 'POST') return next();
    // The dev server's own origin (whatever port Vite picked) counts as the site.
    siteOrigins.add(`http://${req.headers.host ?? 'localhost'}`);
    const probe = writeProbe(req);
    if ([...siteOrigins].every((siteOrigin) => isCrossSiteWrite(probe, { siteOrigin, exempt: ['/unsubscribe'] }))) {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(CROSS_SITE_MESSAGE);
      return;
    }
    if (url.pathname === CMS_API_PATH && cms) {
      void serveCmsApi(req, res, { services, backend: cmsBackend, maxBodyBytes: Math.ceil(config.cms.maxUploadMb * 1_400_000) + 65_536 });
      return;
    }
    const endpoint = endpoints.get(url.pathname);
    if (!endpoint) return next();
    // Under `astro dev` the catalogue is the dev server's own, current `/order/catalog.json`.
    const catalog = endpoint.path === '/order' ? devCatalog(req) : Promise.resolve(undefined);
    void catalog.then((c) => {
      if (c) services.catalog = c;
      return serveForm(endpoint, req, res, {
      services,
      astro: (rq, _rs, _n, l) => {
        Reflect.set(rq, LOCALS, l);
        next();
      },
      trustProxy: false,
      maxBodyBytes: 65_536,
      onAccepted: () => {
        mail.nudge();
        if (endpoint.path === '/faq/ask' && drafts) void syncDrafts(store.db, drafts, services.clock).catch((error: unknown) => log(String(error)));
      },
      });
    });
  };
  return { middleware, close: async () => (await mail.stop(), await store.close()) };
}

async function devCatalog(req: http.IncomingMessage): Promise<Catalog | undefined> {
  const res = await fetch(`http://${req.headers.host ?? 'localhost'}/${CATALOG_FILE}`).catch(() => undefined);
  if (!res?.ok) return undefined;
  return catalogOf(((await res.json()) as { products: CatalogProduct[] }).products);
}

