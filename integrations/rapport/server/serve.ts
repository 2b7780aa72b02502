import type { Services } from '../core/services.ts';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import compression from 'compression';
import sirv from 'sirv';
import { startMailWorker } from '../core/mail/mail-worker.ts';
import type { OutboxOptions } from '../core/mail/outbox.ts';
import { createMailTransport } from '../core/mail/transport.ts';
import { HttpError } from '../core/errors.ts';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite, writeProbe } from '../core/security/cross-site.ts';
import type { RapportConfig } from '../config/schema.ts';

import { mailFrom } from '../core/mail/identity.ts';
import { createLimiters, type RateLimitSettings } from '../core/security/rate-limit.ts';
import { loadSecret } from '../core/security/secret.ts';
import { systemClock } from '../core/store/contacts.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore, type Store, type StoreOptions } from '../core/store/open-store.ts';
import { pruneExpired } from '../core/store/prune.ts';
import { workflowDrafts, workingCopyDrafts } from '../features/faq/drafts.ts';
import { commitIfRepository } from '../features/cms/git.ts';
import { PRIVACY_HISTORY_FILE } from '../features/privacy/history.ts';
import { applyOutcomes, OUTCOMES_FILE, syncDrafts, type QuestionOutcome } from '../features/faq/questions.ts';
import { SEARCH_INDEX_FILE, SiteSearch, type SearchIndexFile } from '../features/search/site-search.ts';
import { CmsBackend } from '../features/cms/backend.ts';
import { catalogOf, SERVER_CATALOG_FILE } from '../features/orders/catalog.ts';
import { sendDueFollowUps } from '../features/orders/follow-up.ts';
import type { CatalogProduct } from '../features/orders/pricing.ts';
import { CMS_API_PATH, CMS_STATUS_PATH, serveBuildStatus, serveCmsApi } from './cms-api.ts';
import { liveBuilds } from './live-builds.ts';
import { formEndpoints } from '../features/declared.ts';
import { isSecure, serveForm, type RapportLocals } from './form-server.ts';
import { logUnhandledRejections, refuse, withErrorBoundary } from './request-boundary.ts';
import { readTarget } from './request-target.ts';

/** A Node request handler in the shape `@astrojs/node` exports in `middleware` mode. */
type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse, next: ((err?: unknown) => void) | undefined, locals: { rapport: RapportLocals }) => unknown;

export interface ServeOptions {
  /** The build output folder holding `client/` and `server/` (Astro's `outDir`). */
  distDir: string;
  port?: number;
  host?: string;
  /** The CRM store: PostgreSQL with `databaseUrl`, else the SQLite file (default `var/rapport.sqlite`). */
  store?: StoreOptions;
  /** Largest request body accepted, in bytes; bigger ones get 413 before they are read. @default 65536 */
  maxBodyBytes?: number;
  /** Outgoing mail: SMTP with `smtpUrl`, else `.eml` files in `mailDir` (default `var/mail`). `from` defaults to the site's name and e-mail. */
  mail?: { smtpUrl?: string | undefined; mailDir?: string; from?: string; intervalMs?: number; outbox?: OutboxOptions };
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
  /** Wait after a publish before building, so quick successive publishes make one build. @default 1500 */
  publishDebounceMs?: number;
}

export interface RunningServer {
  server: http.Server;
  store: Store;
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
  // The build being served; publishing from the CMS swaps it for a fresh one in one assignment.
  let live = await loadBuild(distDir);
  const services: Services = {
    db: store.db,
    dialect: store.dialect,
    clock: systemClock,
    config: built.config,
    site: new URL(options.siteUrl ?? built.site),
    secret: loadSecret({ env: options.secret, file: options.secretFile ?? 'var/rapport-secret' }),
    privacyVersion: live.privacyVersion,
    limits: createLimiters(store.db, options.rateLimits),
    log: (message) => console.error(message),
    search: live.search,
    catalog: live.catalog,
  };
  const locals = { rapport: { services } };
  // The CMS backend (Decap at /admin/) commits to the project's Git repository.
  const projectRoot = path.resolve(options.projectRoot ?? process.cwd());
  const { cms, cmsBackend, drafts } = await contentRepository(built.config, built.site, projectRoot);
  services.drafts = drafts;
  const endpoints = formEndpoints(built.config);
  const mail = options.mail
    ? startMailWorker({
        db: store.db,
        from: options.mail.from ?? mailFrom(built.config),
        transport: createMailTransport({ smtpUrl: options.mail.smtpUrl, mailDir: options.mail.mailDir ?? 'var/mail' }),
        ...(options.mail.intervalMs ? { intervalMs: options.mail.intervalMs } : {}),
        ...(options.mail.outbox ? { outbox: options.mail.outbox } : {}),
      })
    : undefined;
  const prune = () =>
    pruneExpired(store.db, built.config.crm.signupExpiryHours).catch((error: unknown) => services.log(`Pruning expired sign-ups failed: ${String(error)}`));
  // Visitors' questions: drafts for new ones; the build's outcomes (published, merged, rejected) told to askers.
  const questions = singleFlight(async () => {
    try {
      if (services.drafts) await syncDrafts(store.db, services.drafts, services.clock);
      const outcomes = readJson(path.join(live.dir, 'server', OUTCOMES_FILE), (o: QuestionOutcome[]) => o);
      if (outcomes && (await applyOutcomes(services, outcomes)) > 0) mail?.nudge();
    } catch (error) {
      services.log(`Updating visitors' questions failed (they are kept and retried): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  });
  // After-sale e-mails that have come due (orders delivered some weeks ago).
  const followUps = singleFlight(async () => {
    if (!built.config.crm.orders.enabled) return;
    try {
      if ((await sendDueFollowUps(services)) > 0) mail?.nudge();
    } catch (error) {
      services.log(`Sending after-sale e-mails failed (they are retried): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  });
  await prune();
  await questions();
  await followUps();
  const pruning = setInterval(() => {
    void prune();
    void questions();
    void followUps();
  }, 10 * 60_000).unref();
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  // Uploads arrive base64-encoded in JSON: a third more than the file, plus the envelope.
  const cmsMaxBody = Math.ceil(built.config.cms.maxUploadMb * 1_000_000 * 1.4) + 65_536;
  // Paths and origins are read against the site the build was made for, never against `Host`.
  const siteOrigin = new URL(built.site).origin;
  const astro = async (req: http.IncomingMessage, res: http.ServerResponse) => void (await live.handler(req, res, undefined, locals));
  const publishing = cmsBackend
    ? liveBuilds({
        root: projectRoot,
        buildsDir: path.join(projectRoot, 'var', 'builds'),
        initial: distDir,
        ...(options.publishDebounceMs !== undefined ? { debounceMs: options.publishDebounceMs } : {}),
        log: services.log,
        switchTo: async (dir) => {
          const next = await loadBuild(dir);
          live = next;
          services.search = next.search;
          services.catalog = next.catalog;
          services.privacyVersion = next.privacyVersion;
          await recordPrivacyHistory(path.join(projectRoot, built.config.contentDir), next.privacyVersion, services.log);
          await questions(); // tell askers whose entries just went live
        },
      })
    : undefined;
  // Pages rendered per request (search, forms, order pages) are compressed on the fly; static
  // files are served from their precompressed copies instead.
  const compress = compression() as unknown as (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void;
  const compressed = (req: http.IncomingMessage, res: http.ServerResponse, inner: () => Promise<unknown>) =>
    new Promise<void>((resolve, reject) => compress(req, res, () => void inner().then(() => resolve(), reject)));
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const { pathname } = readTarget(req, siteOrigin);
    const method = req.method ?? 'GET';
    const isCmsApi = cms !== undefined && pathname === CMS_API_PATH;
    if (method === 'GET' || method === 'HEAD') {
      if (pathname === CMS_STATUS_PATH && cms) return serveBuildStatus(req, res, services, publishing?.status);
      // sirv answers a file by itself and calls `next` only when it has none.
      return new Promise<void>((resolve, reject) => {
        res.once('close', resolve);
        live.statics(req, res, () => void compressed(req, res, () => astro(req, res)).then(resolve, reject));
      });
    }
    const endpoint = endpoints.get(pathname);
    const refusal = bodyRefusal(req, isCmsApi ? cmsMaxBody : maxBodyBytes);
    if (refusal) throw new HttpError(refusal.status, refusal.message);
    // Forms and the CMS backend take POST only: anything else never reaches their handlers.
    // Elsewhere, methods a WHATWG Request cannot carry (TRACE, CONNECT…) never reach Astro.
    if (!endpoint && !isCmsApi && !ASTRO_METHODS.has(method)) throw new HttpError(405, `This site does not answer ${method.slice(0, 20)} requests.`, { headers: { Allow: 'GET, HEAD, POST' } });
    if (endpoint || isCmsApi) {
      if (method === 'OPTIONS') return refuse(req, res, 204, '', { Allow: 'GET, HEAD, POST, OPTIONS' });
      if (method !== 'POST') throw new HttpError(405, `This address takes forms sent with POST, not ${method.slice(0, 20)}.`, { headers: { Allow: 'GET, HEAD, POST, OPTIONS' } });
    }
    // Static files answer reads only; a write to any path goes through the origin check first
    // (here as well as in Astro's middleware, which does not run for prerendered paths).
    if (isCrossSiteWrite(writeProbe(req, pathname, isSecure(req, options.trustProxy ?? false)), { siteOrigin, exempt: endpoint?.originExempt ? [pathname] : [] })) {
      throw new HttpError(403, CROSS_SITE_MESSAGE);
    }
    if (isCmsApi) return serveCmsApi(req, res, { services, backend: cmsBackend, maxBodyBytes: cmsMaxBody, onPublished: () => publishing?.schedule() });
    if (!endpoint) return compressed(req, res, () => astro(req, res));
    return compressed(req, res, () =>
      serveForm(endpoint, req, res, {
        services,
        astro: live.handler,
        trustProxy: options.trustProxy ?? false,
        maxBodyBytes,
        onAccepted: () => {
          mail?.nudge();
          if (endpoint.path === '/faq/ask') void questions();
        },
      }),
    );
  };
  const server = http.createServer(withErrorBoundary(handle, services.log));
  const stopLoggingRejections = logUnhandledRejections(services.log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    store,
    publishing,
    close: async () => {
      publishing?.stop();
      await publishing?.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      clearInterval(pruning);
      stopLoggingRejections();
      await questions();
      await followUps();
      await mail?.stop();
      await store.close();
    },
  };
}

/**
 * The project's content repository as the server uses it: the CMS backend (when the site has the
 * built-in one; `cmsBackend` only when the project is a Git repository) and where visitors'
 * questions become drafts (workflow branches with the CMS, else files in the FAQ folder).
 */
export async function contentRepository(config: RapportConfig, site: string, projectRoot: string) {
  const cms = config.cms.enabled && config.cms.backend.name === 'rapport' ? new CmsBackend(projectRoot, config, site) : undefined;
  const cmsBackend = cms && (await cms.repo.isRepository()) ? cms : undefined;
  const drafts = !config.crm.questions.enabled
    ? undefined
    : cmsBackend
      ? workflowDrafts(cmsBackend.repo, { folder: path.posix.normalize(config.crm.questions.draftsDir), branch: config.cms.branch })
      : workingCopyDrafts(path.resolve(projectRoot, config.crm.questions.draftsDir));
  return { cms, cmsBackend, drafts };
}

/**
 * A published build may have added a version to the privacy statement's history (an editor
 * changed the settings, or a feature now collects more): commit it with the content, so the
 * history outlives this server's working copy.
 */
async function recordPrivacyHistory(contentDir: string, version: string, log: (message: string) => void) {
  const file = path.join(contentDir, PRIVACY_HISTORY_FILE);
  if (!existsSync(file)) return;
  await commitIfRepository(path.dirname(file), path.basename(file), `Privacy statement: version ${version}`).catch((error: unknown) =>
    log(`The privacy statement's history could not be committed (it is kept in ${file}): ${error instanceof Error ? error.message : String(error)}`),
  );
}

/** One build, ready to serve: Astro's handler, the static files, the search index. */
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
  const search = readJson(path.join(dir, 'server', SEARCH_INDEX_FILE), (file: SearchIndexFile) => new SiteSearch(file));
  const catalog = readJson(path.join(dir, 'server', SERVER_CATALOG_FILE), (file: { products: CatalogProduct[] }) => catalogOf(file.products));
  // The statement this build shows is the one every consent taken through it records.
  const privacyVersion = readBuildInfo(dir).privacyVersion ?? 'none';
  return { dir, handler, statics, search, catalog, privacyVersion };
}

/** What the build recorded for the server (see the integration's `astro:build:done`). */
function readBuildInfo(distDir: string): { site: string; config: RapportConfig; privacyVersion?: string } {
  const file = path.join(distDir, 'server', 'rapport.json');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the site with the rapport() integration (npm run build) before serving it.`);
  return JSON.parse(readFileSync(file, 'utf8')) as { site: string; config: RapportConfig; privacyVersion?: string };
}

function readJson<T, R>(file: string, use: (data: T) => R): R | undefined {
  if (!existsSync(file)) return undefined;
  return use(JSON.parse(readFileSync(file, 'utf8')) as T);
}

/** Runs `task` at most once at a time; a call during a run waits for the next run, and calls coalesce. */
function singleFlight(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again: Promise<void> | undefined;
  const start = (): Promise<void> => (running = task().finally(() => (running = undefined)));
  return () => {
    if (!running) return start();
    again ??= running.then(() => {
      again = undefined;
      return start();
    });
    return again;
  };
}


/** Methods an Astro page or endpoint can be asked with, besides GET and HEAD. */
const ASTRO_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Forms are small: the Node adapter would accept 1 GiB. Bodies must declare their length. */
function bodyRefusal(req: http.IncomingMessage, max: number): { status: number; message: string } | undefined {
  const length = req.headers['content-length'];
  if (length === undefined) {
    return req.headers['transfer-encoding'] ? { status: 411, message: 'Send the form with a Content-Length.' } : undefined;
  }
  if (Number(length) > max) return { status: 413, message: `That is more than this site accepts (${Math.round(max / 1024)} KB). Shorten the text and send it again.` };
  return undefined;
}

/** `http://host:port` of a listening server. */
export function serverUrl(server: http.Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
