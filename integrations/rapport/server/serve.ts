import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import compression from 'compression';
import sirv from 'sirv';
import { readBuildInfo } from '../core/build-info.ts';
import { HttpError } from '../core/errors.ts';
import type { DkimOptions } from '../core/mail/dkim.ts';
import { mailFrom } from '../core/mail/identity.ts';
import { startMailWorker } from '../core/mail/mail-worker.ts';
import type { OutboxOptions } from '../core/mail/outbox.ts';
import { createMailTransport, outboxConcurrency } from '../core/mail/transport.ts';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite, writeProbe } from '../core/security/cross-site.ts';
import type { RateLimitSettings } from '../core/security/rate-limit.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import type { Clock } from '../core/store/contacts.ts';
import { openStore, type Store, type StoreOptions } from '../core/store/open-store.ts';
import { bodyLimits, featureContext, formEndpoints } from '../features/declared.ts';
import { clientIp, isSecure, serveForm, type RapportLocals } from './form-server.ts';
import type { PageView } from '../core/feature.ts';
import { requestLocale } from '../config/locales.ts';
import { HEALTH_PATH, healthCheck } from './health.ts';
import { notFoundPages, sendNotFound } from './not-found.ts';
import { startJobs } from './jobs.ts';
import { liveBuilds } from './live-builds.ts';
import { logUnhandledRejections, refuse, withErrorBoundary } from './request-boundary.ts';
import { readTarget } from './request-target.ts';
import { inArrivalOrder } from './request-turns.ts';
import { findHandler, handlesPath, startRuntimes } from './runtimes.ts';
import { createServices } from './services.ts';
import { serveBuildStatus, STATUS_PATH } from './status-page.ts';
import type { SharedRepo } from '../internal/shared-repo.ts';
import { startSharedContent, type SharedContentOptions } from './shared-content.ts';

/** A Node request handler in the shape `@astrojs/node` exports in `middleware` mode. */
type NodeHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next: ((err?: unknown) => void) | undefined,
  locals: { rapport: RapportLocals },
) => unknown;

export interface ServeOptions {
  /** The build output folder holding `client/` and `server/` (Astro's `outDir`). */
  distDir: string;
  port?: number;
  host?: string;
  /** The CRM store: PostgreSQL with `databaseUrl`, else the SQLite file (default `var/rapport.sqlite`). */
  store?: StoreOptions;
  /** Largest request body accepted, in bytes; bigger ones get 413 before they are read. @default 65536 */
  maxBodyBytes?: number;
  /**
   * Outgoing mail: SMTP with `smtpUrl`, else `.eml` files in `mailDir` (default `var/mail`). `from` defaults to the site's name and e-mail.
   * `dkim` signs every message (`dkimFromEnv` reads it from `DKIM_*`).
   */
  mail?: { smtpUrl?: string | undefined; mailDir?: string; from?: string; intervalMs?: number; outbox?: OutboxOptions; dkim?: DkimOptions | undefined };
  /** Absolute links in mail start with this (`SITE_URL`); default: the `site` the build was made with. */
  siteUrl?: string | undefined;
  /** `RAPPORT_SECRET`; when absent a key is generated into `secretFile`. */
  secret?: string | undefined;
  /** @default 'var/rapport-secret' */
  secretFile?: string;
  /** Trust `X-Forwarded-For`/`-Proto` from one reverse proxy in front (`TRUST_PROXY=1`). @default false */
  trustProxy?: boolean;
  /** Override the forms' rate limits (benchmarks raise them). */
  rateLimits?: Partial<RateLimitSettings>;
  /** The project folder: the CMS commits there, drafts go there, publishing builds it (into `var/builds/`). @default process.cwd() */
  projectRoot?: string;
  /** What time the server takes it to be (lapsed customers, due dates); tests set it. @default the system clock */
  clock?: Clock | undefined;
  /** Wait after a publish before building, so quick successive publishes make one build. @default 1500 */
  publishDebounceMs?: number;
  /**
   * A content repository shared with other servers (`RAPPORT_CONTENT_REPO`): the project is this
   * server's clone of it (`dir`, cloned at start when missing), every content write is pushed, and
   * a new live commit from any server is built and switched to here too (`sharedContentFromEnv`).
   */
  sharedContent?: SharedContentOptions | undefined;
  /** Features to leave off on this server although the build has them on (a benchmark's baseline: `['visits']`). */
  withoutFeatures?: string[] | undefined;
}

export interface RunningServer {
  server: http.Server;
  store: Store;
  /** The working copy of the shared content repository, when there is one (`sharedContent`). */
  sharedContent: SharedRepo | undefined;
  /** Publishing to live (with the CMS on a Git repository): build status and a way to wait for it. */
  publishing: ReturnType<typeof liveBuilds> | undefined;
  /** Stops accepting requests, then closes the store. */
  close(): Promise<void>;
}

/**
 * Rapport's HTTP server: opens and migrates the CRM store, then serves static files first
 * (precompressed `.br`/`.gz` when the client accepts it, hashed assets cached for a year) and
 * Astro's on-demand routes after.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const { distDir, port = 4321, host = 'localhost' } = options;
  const built = readBuildInfo(distDir);
  const store = openStore(options.store);
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const services = createServices(store, {
    config: built.config,
    site: options.siteUrl ?? built.site,
    secret: options.secret,
    secretFile: options.secretFile ?? 'var/rapport-secret',
    privacyVersion: built.privacyVersion ?? 'none',
    rateLimits: options.rateLimits,
    clock: options.clock,
  });
  const locals = { rapport: { services } };
  // A new live commit from another server is built as a local publish is, once publishing exists.
  let liveMoved = (): void => undefined;
  const shared = options.sharedContent
    ? await startSharedContent(
        { ...options.sharedContent, projectRoot: path.resolve(options.projectRoot ?? process.cwd()), branch: built.config.cms.branch },
        { store, databaseUrl: options.store?.databaseUrl, log: services.log, onLive: () => liveMoved() },
      ).catch(async (error: unknown) => {
        await store.close();
        throw error;
      })
    : undefined;
  const projectRoot = shared?.repo.dir ?? path.resolve(options.projectRoot ?? process.cwd());
  const runtimes = await startRuntimes(
    featureContext(built.config, true),
    services,
    { projectRoot, site: built.site, dev: false, shared: shared?.repo },
    options.withoutFeatures,
  );
  // The build being served; publishing from the CMS swaps it for a fresh one in one assignment.
  let live = await loadBuild(distDir);
  await runtimes.load(distDir);
  const endpoints = formEndpoints(built.config);
  const mail = options.mail
    ? startMailWorker({
        db: store.db,
        from: options.mail.from ?? mailFrom(built.config),
        transport: createMailTransport({ smtpUrl: options.mail.smtpUrl, mailDir: options.mail.mailDir ?? 'var/mail', dkim: options.mail.dkim }),
        ...(options.mail.intervalMs ? { intervalMs: options.mail.intervalMs } : {}),
        outbox: { ...withConcurrency(outboxConcurrency(options.mail.smtpUrl)), ...options.mail.outbox },
        privacyVersion: services.privacyVersion,
      })
    : undefined;
  const jobs = startJobs(runtimes.jobs, services, { onWork: () => mail?.nudge() });
  await jobs.runAll();
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  const largerBodies = bodyLimits(featureContext(built.config, true));
  // Paths and origins are read against the site the build was made for, never against `Host`.
  const siteOrigin = new URL(built.site).origin;
  // An address no route matches gets the 404 page of its language (see not-found.ts); Astro renders a
  // project's own 404 that is not prerendered.
  const astro = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const build = live;
    const notFound = () => sendNotFound(build.notFound, new URL(req.url ?? '/', siteOrigin).pathname, req, res) || build.handler(req, res, undefined, locals);
    await build.handler(req, res, notFound, locals);
  };
  const publishing =
    runtimes.publishes || shared
      ? liveBuilds({
          root: projectRoot,
          buildsDir: path.join(projectRoot, 'var', 'builds'),
          initial: distDir,
          ...(options.publishDebounceMs !== undefined ? { debounceMs: options.publishDebounceMs } : {}),
          log: services.log,
          switchTo: async (dir) => {
            const next = await loadBuild(dir);
            // The features read their artefacts first, then the build goes live with them in the same turn.
            await runtimes.load(dir);
            live = next;
            services.privacyVersion = readBuildInfo(dir).privacyVersion ?? 'none';
            await runtimes.published(dir);
            await jobs.runAll(); // tell askers whose entries just went live
          },
        })
      : undefined;
  liveMoved = () => publishing?.schedule();
  // Down while others published, or built from elsewhere: what the shared repository holds is built now.
  if (shared && built.commit && built.commit !== shared.repo.liveCommit) {
    services.log(`The build served (${built.commit.slice(0, 8)}) is not the shared content's live commit: building ${shared.repo.liveCommit?.slice(0, 8)}.`);
    publishing?.schedule();
  }
  const handlerContext = { services, publish: () => publishing?.schedule() };
  const health = healthCheck(store, () => live.dir);
  // Pages rendered per request (search, forms, order pages) are compressed on the fly; static
  // files are served from their precompressed copies instead.
  const compress = compression() as unknown as (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
  const compressed = (req: http.IncomingMessage, res: http.ServerResponse, inner: () => Promise<unknown>) =>
    new Promise<void>((resolve, reject) => compress(req, res, () => void inner().then(() => resolve(), reject)));
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const { pathname } = readTarget(req, siteOrigin);
    if (pathname === HEALTH_PATH) return health(req, res);
    const method = req.method ?? 'GET';
    const handler = findHandler(runtimes.handlers, method, pathname);
    if (method === 'GET' || method === 'HEAD') {
      if (runtimes.viewed) watch(req, res, method, pathname, runtimes.viewed, options.trustProxy ?? false);
      if (pathname === STATUS_PATH && publishing) return serveBuildStatus(req, res, services, publishing.status);
      if (handler) return handler.handle(req, res, handlerContext);
      // sirv answers a file by itself and calls `next` only when it has none.
      return new Promise<void>((resolve, reject) => {
        res.once('close', resolve);
        live.statics(req, res, () => void compressed(req, res, () => astro(req, res)).then(resolve, reject));
      });
    }
    // A form is found by its path without the locale's prefix (`/fr/contact` is the contact form, in French).
    const { locale, path: formPath } = requestLocale(services.config.site, pathname);
    const endpoint = endpoints.get(formPath);
    const refusal = bodyRefusal(req, handler?.maxBodyBytes?.(services.config) ?? largerBodies.get(pathname) ?? maxBodyBytes);
    if (refusal) throw new HttpError(refusal.status, refusal.message);
    // Forms and features' own handlers take POST only: anything else never reaches them.
    // Elsewhere, methods a WHATWG Request cannot carry (TRACE, CONNECT…) never reach Astro.
    const owned = endpoint !== undefined || handlesPath(runtimes.handlers, pathname);
    if (!owned && !ASTRO_METHODS.has(method))
      throw new HttpError(405, `This site does not answer ${method.slice(0, 20)} requests.`, { headers: { Allow: 'GET, HEAD, POST' } });
    if (owned) {
      if (method === 'OPTIONS') return refuse(req, res, 204, '', { Allow: 'GET, HEAD, POST, OPTIONS' });
      if (method !== 'POST')
        throw new HttpError(405, `This address takes forms sent with POST, not ${method.slice(0, 20)}.`, { headers: { Allow: 'GET, HEAD, POST, OPTIONS' } });
    }
    // Static files answer reads only; a write to any path goes through the origin check first
    // (here as well as in Astro's middleware, which does not run for prerendered paths).
    if (
      isCrossSiteWrite(writeProbe(req, pathname, isSecure(req, options.trustProxy ?? false)), {
        siteOrigin,
        exempt: endpoint?.originExempt || handler?.originExempt ? [pathname] : [],
      })
    ) {
      throw new HttpError(403, CROSS_SITE_MESSAGE);
    }
    if (handler) return handler.handle(req, res, handlerContext);
    if (!endpoint) return compressed(req, res, () => astro(req, res));
    return compressed(req, res, () =>
      serveForm(endpoint, req, res, {
        services,
        locale,
        astro: live.handler,
        trustProxy: options.trustProxy ?? false,
        maxBodyBytes,
        onAccepted: () => {
          mail?.nudge();
          for (const job of runtimes.afterAccepted(endpoint.path)) void jobs.run(job);
        },
      }),
    );
  };
  // Requests wait in one queue in arrival order, so a new connection is let in under load (request-turns.ts).
  const server = http.createServer(inArrivalOrder(withErrorBoundary(handle, services.log)));
  const stopLoggingRejections = logUnhandledRejections(services.log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    store,
    publishing,
    sharedContent: shared?.repo,
    close: async () => {
      await shared?.close();
      publishing?.stop();
      await publishing?.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stopLoggingRejections();
      await jobs.stop();
      await runtimes.stop();
      await mail?.stop();
      await store.close();
    },
  };
}

/** Tells the features that watch the traffic about an answer once it is sent (visit counts); never fails the request. */
function watch(req: http.IncomingMessage, res: http.ServerResponse, method: string, path: string, viewed: (view: PageView) => void, trustProxy: boolean) {
  res.once('finish', () => {
    try {
      const header = (name: string) => {
        const value = req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const type = res.getHeader('content-type');
      viewed({
        method,
        path,
        status: res.statusCode,
        contentType: typeof type === 'string' ? type : undefined,
        referer: header('referer'),
        userAgent: header('user-agent'),
        purpose: header('sec-purpose') ?? header('purpose'),
        dest: header('sec-fetch-dest'),
        ip: clientIp(req, trustProxy),
      });
    } catch {
      // Counting is never worth an error: the answer has been sent.
    }
  });
}

/** One build, ready to serve: Astro's handler and the static files. */
async function loadBuild(dir: string) {
  const entry = pathToFileURL(path.join(dir, 'server', 'entry.mjs')).href;
  const { handler } = (await import(entry)) as { handler: NodeHandler };
  const statics = sirv(path.join(dir, 'client'), {
    brotli: true,
    gzip: true,
    etag: true,
    setHeaders(res, pathname) {
      if (pathname.startsWith('/_astro/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate');
    },
  });
  const notFound = notFoundPages(path.join(dir, 'client'), readBuildInfo(dir).config.site);
  return { dir, handler, statics, notFound };
}

/** Methods an Astro page or endpoint can be asked with, besides GET and HEAD. */
const ASTRO_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Forms are small: the Node adapter would accept 1 GiB. Bodies must declare their length. */
function bodyRefusal(req: http.IncomingMessage, max: number): { status: number; message: string } | undefined {
  const length = req.headers['content-length'];
  if (length === undefined) {
    return req.headers['transfer-encoding'] ? { status: 411, message: 'Send the form with a Content-Length.' } : undefined;
  }
  if (Number(length) > max)
    return { status: 413, message: `That is more than this site accepts (${Math.round(max / 1024)} KB). Shorten the text and send it again.` };
  return undefined;
}

/** `http://host:port` of a listening server. */
export function serverUrl(server: http.Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** The outbox option for a concurrency worked out from the SMTP URL, when there is one. */
const withConcurrency = (concurrency: number | undefined) => (concurrency ? { concurrency } : {});
