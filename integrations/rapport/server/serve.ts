import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sirv from 'sirv';

/** A Node request handler in the shape `@astrojs/node` exports in `middleware` mode. */
type NodeHandler = (req: http.IncomingMessage, res: http.ServerResponse, next?: (err?: unknown) => void) => unknown;

export interface ServeOptions {
  /** The build output folder holding `client/` and `server/` (Astro's `outDir`). */
  distDir: string;
  port?: number;
  host?: string;
}

/**
 * Rapport's HTTP server: static files first (served precompressed as `.br`/`.gz` when the client
 * accepts it, hashed assets cached for a year), then Astro's on-demand routes.
 */
export async function startServer(options: ServeOptions): Promise<http.Server> {
  const { distDir, port = 4321, host = 'localhost' } = options;
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
  const server = http.createServer((req, res) => {
    statics(req, res, () => {
      void handler(req, res);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}

/** `http://host:port` of a listening server. */
export function serverUrl(server: http.Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
