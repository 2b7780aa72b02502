import type { Services } from '../core/services.ts';
import { createReadStream, existsSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { RapportConfig } from '../config/schema.ts';

import { startMailWorker } from '../core/mail/mail-worker.ts';
import { mailFrom } from '../core/mail/identity.ts';
import { createMailTransport } from '../core/mail/transport.ts';
import { HttpError } from '../core/errors.ts';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite, writeProbe } from '../core/security/cross-site.ts';
import { createLimiters } from '../core/security/rate-limit.ts';
import { loadSecret } from '../core/security/secret.ts';
import { systemClock } from '../core/store/contacts.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore } from '../core/store/open-store.ts';
import { syncDrafts } from '../features/faq/questions.ts';
import { CMS_API_PATH, serveCmsApi } from './cms-api.ts';
import { formEndpoints } from '../features/declared.ts';
import { serveForm } from './form-server.ts';
import { withErrorBoundary } from './request-boundary.ts';
import { readTarget } from './request-target.ts';
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
  const services: Services = {
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
  const siteOrigin = new URL(site).origin;
  const locals = { rapport: { services } };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, next: Next): Promise<void> => {
    const url = readTarget(req, siteOrigin);
    // Decap's files, as the build copies them next to /admin/.
    const file = decapDir && /^\/admin\/([\w.-]+\.(js|wasm))$/.exec(url.pathname)?.[1];
    if (file && decapDir && existsSync(path.join(decapDir, file))) {
      res.writeHead(200, { 'Content-Type': file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8' });
      createReadStream(path.join(decapDir, file)).pipe(res);
      return;
    }
    Reflect.set(req, LOCALS, locals);
    const isCmsApi = cms !== undefined && url.pathname === CMS_API_PATH;
    const endpoint = endpoints.get(url.pathname);
    // Only POST reaches a form handler or the CMS backend; other methods there are refused.
    if ((endpoint || isCmsApi) && !['GET', 'HEAD', 'POST'].includes(req.method ?? '')) {
      throw new HttpError(405, `This address takes forms sent with POST, not ${String(req.method).slice(0, 20)}.`, { headers: { Allow: 'GET, HEAD, POST' } });
    }
    if (req.method !== 'POST') return next();
    // The dev server is reached at whatever port Vite picked: a page it served counts as the site.
    if (isCrossSiteWrite(writeProbe(req, url.pathname), { siteOrigin, exempt: endpoint?.originExempt ? [url.pathname] : [] })) throw new HttpError(403, CROSS_SITE_MESSAGE);
    if (isCmsApi) return serveCmsApi(req, res, { services, backend: cmsBackend, maxBodyBytes: Math.ceil(config.cms.maxUploadMb * 1_400_000) + 65_536 });
    if (!endpoint) return next();
    // Under `astro dev` the catalogue is the dev server's own, current `/order/catalog.json`.
    if (endpoint.path === '/order') services.catalog = (await devCatalog(req)) ?? services.catalog;
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
  };
  const middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: Next) => withErrorBoundary((rq, rs) => handle(rq, rs, next), log)(req, res);
  return { middleware, close: async () => (await mail.stop(), await store.close()) };
}

async function devCatalog(req: http.IncomingMessage): Promise<Catalog | undefined> {
  const res = await fetch(`http://${req.headers.host ?? 'localhost'}/${CATALOG_FILE}`).catch(() => undefined);
  if (!res?.ok) return undefined;
  return catalogOf(((await res.json()) as { products: CatalogProduct[] }).products);
}

