import type http from 'node:http';
import path from 'node:path';
import type { RapportConfig } from '../config/schema.ts';
import { HttpError } from '../core/errors.ts';
import { mailFrom } from '../core/mail/identity.ts';
import { startMailWorker } from '../core/mail/mail-worker.ts';
import { dkimFromEnv } from '../core/mail/dkim.ts';
import { createMailTransport } from '../core/mail/transport.ts';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite, writeProbe } from '../core/security/cross-site.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore } from '../core/store/open-store.ts';
import { featureContext, formEndpoints } from '../features/declared.ts';
import { serveForm } from './form-server.ts';
import { requestLocale } from '../config/locales.ts';
import { startJobs } from './jobs.ts';
import { withErrorBoundary } from './request-boundary.ts';
import { readTarget } from './request-target.ts';
import { findHandler, handlesPath, startRuntimes } from './runtimes.ts';
import { createServices } from './services.ts';

type Next = (error?: unknown) => void;
const LOCALS = Symbol.for('astro.locals');

/**
 * Under `astro dev`: the same forms, feature handlers (the CMS backend, Decap's files) and the
 * jobs marked `dev`, on the same store (DATABASE_URL or var/rapport.sqlite) and mail settings, as
 * Vite middleware, built by the same composition root as Rapport's server. Pages are still
 * Astro's, given the services through `locals`. There is no publishing: Vite shows each save.
 */
export async function devMiddleware(config: RapportConfig, site: string, root: string, privacyVersion: string, log: (message: string) => void) {
  const store = openStore({ databaseUrl: process.env.DATABASE_URL, sqliteFile: path.join(root, 'var', 'rapport.sqlite') });
  await migrateToLatest(store);
  const services = createServices(store, {
    config,
    site: process.env.SITE_URL ?? site,
    secret: process.env.RAPPORT_SECRET,
    secretFile: path.join(root, 'var', 'rapport-secret'),
    privacyVersion,
    log,
  });
  const runtimes = await startRuntimes(featureContext(config, true), services, { projectRoot: root, site, dev: true });
  const mail = startMailWorker({
    db: store.db,
    from: mailFrom(config),
    transport: createMailTransport({ smtpUrl: process.env.SMTP_URL, mailDir: path.join(root, 'var', 'mail'), dkim: dkimFromEnv(process.env) }),
  });
  const jobs = startJobs(runtimes.jobs, services, { onWork: () => mail.nudge() });
  const endpoints = formEndpoints(config);
  const siteOrigin = new URL(site).origin;
  const locals = { rapport: { services } };
  const handlerContext = { services, publish: () => undefined };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, next: Next): Promise<void> => {
    const { pathname } = readTarget(req, siteOrigin);
    const method = req.method ?? 'GET';
    const handler = findHandler(runtimes.handlers, method, pathname);
    if (handler && method !== 'POST') return handler.handle(req, res, handlerContext);
    Reflect.set(req, LOCALS, locals);
    const { locale, path: formPath } = requestLocale(config.site, pathname);
    const endpoint = endpoints.get(formPath);
    // Only POST reaches a form handler or a feature's handler; other methods there are refused.
    if ((endpoint || handlesPath(runtimes.handlers, pathname)) && !['GET', 'HEAD', 'POST'].includes(method)) {
      throw new HttpError(405, `This address takes forms sent with POST, not ${method.slice(0, 20)}.`, { headers: { Allow: 'GET, HEAD, POST' } });
    }
    if (method !== 'POST') return next();
    // The dev server is reached at whatever port Vite picked: a page it served counts as the site.
    if (isCrossSiteWrite(writeProbe(req, pathname), { siteOrigin, exempt: endpoint?.originExempt || handler?.originExempt ? [pathname] : [] }))
      throw new HttpError(403, CROSS_SITE_MESSAGE);
    if (handler) return handler.handle(req, res, handlerContext);
    if (!endpoint) return next();
    await runtimes.devRefresh(endpoint.path, `http://${req.headers.host ?? 'localhost'}`);
    return serveForm(endpoint, req, res, {
      services,
      locale,
      astro: (rq, _rs, _n, l) => {
        Reflect.set(rq, LOCALS, l);
        next();
      },
      trustProxy: false,
      maxBodyBytes: 65_536,
      onAccepted: () => {
        mail.nudge();
        for (const job of runtimes.afterAccepted(endpoint.path)) void jobs.run(job);
      },
    });
  };
  const middleware = (req: http.IncomingMessage, res: http.ServerResponse, next: Next) => withErrorBoundary((rq, rs) => handle(rq, rs, next), log)(req, res);
  return { middleware, close: async () => (await jobs.stop(), await mail.stop(), await store.close()) };
}
