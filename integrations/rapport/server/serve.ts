import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';
import { startMailWorker } from '../core/mail/mail-worker.ts';
import { createMailTransport } from '../core/mail/transport.ts';
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
  const server = http.createServer((req, res) => {
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

/** `http://host:port` of a listening server. */
export function serverUrl(server: http.Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
