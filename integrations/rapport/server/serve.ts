import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { startMailWorker } from '../core/mail/mail-worker.ts';
import { createMailTransport } from '../core/mail/transport.ts';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite } from '../core/security/cross-site.ts';
import { migrateToLatest } from '../core/store/migrate.ts';
import { openStore, type Store, type StoreOptions } from '../core/store/open-store.ts';

/** A Node request handler in the shape `@astrojs/node` exports in `middleware` mode. */
type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse, next?: (err?: unknown) => void) => unknown;

export interface ServeOptions {
  /** The build output folder holding `client/` and `server/` (Astro's `outDir`). */
  distDir: string;
  port?: number;
  host?: string;
  /** The CRM store: PostgreSQL with `databaseUrl`, else the SQLite file (default `var/rapport.sqlite`). */
  store?: StoreOptions;
  /** Largest request body accepted, in bytes; bigger ones get 413 before they are read. @default 65536 */
  maxBodyBytes?: number;
  /** Outgoing mail: SMTP with `smtpUrl`, else `.eml` files in `mailDir` (default `var/mail`). */
  mail?: { smtpUrl?: string | undefined; mailDir?: string; from: string };
}

export interface RunningServer {
  server: http.Server;
  store: Store;
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
  const store = openStore(options.store);
  try {
    await migrateToLatest(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  const entry = pathToFileURL(path.join(distDir, 'server', 'entry.mjs')).href;
  const { handler } = (await import(entry)) as { handler: NodeHandler };
  const statics = sirv(path.join(distDir, 'client'), {
    brotli: true,
    gzip: true,
    etag: true,
    setHeaders(res, pathname) {
      if (pathname.startsWith('/_astro/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'public, max-age=0, must-revalidate');
    },
  });
  const mail = options.mail
    ? startMailWorker({
        db: store.db,
        from: options.mail.from,
        transport: createMailTransport({ smtpUrl: options.mail.smtpUrl, mailDir: options.mail.mailDir ?? 'var/mail' }),
      })
    : undefined;
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  const siteFile = path.join(distDir, 'server', 'rapport.json');
  const siteOrigin = existsSync(siteFile) ? new URL((JSON.parse(readFileSync(siteFile, 'utf8')) as { site: string }).site).origin : '';
  const server = http.createServer((req, res) => {
    const refusal = bodyRefusal(req, maxBodyBytes);
    if (refusal) {
      // Answer at once and drop the connection rather than read a body we will not use.
      res.writeHead(refusal.status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
      res.end(refusal.message, () => req.destroy());
      return;
    }
    // Static files answer reads only; a form POST to any path goes to Astro after the origin check
    // (here as well as in Astro's middleware, which does not run for prerendered paths).
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const probe = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers: headersOf(req) });
      if (isCrossSiteWrite(probe, { siteOrigin, exempt: ['/unsubscribe'] })) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
        res.end(CROSS_SITE_MESSAGE, () => req.destroy());
        return;
      }
      void handler(req, res);
      return;
    }
    statics(req, res, () => {
      void handler(req, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    server,
    store,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mail?.stop();
      await store.close();
    },
  };
}

function headersOf(req: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const name of ['origin', 'sec-fetch-site']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return headers;
}

/** Forms are small: the Node adapter would accept 1 GiB. Bodies must declare their length. */
function bodyRefusal(req: http.IncomingMessage, max: number): { status: number; message: string } | undefined {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return undefined;
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
