import type http from 'node:http';
import { HttpError } from '../core/errors.ts';

/** A name, an IPv4 address or a bracketed IPv6 address, with an optional port: what a browser sends. */
const VALID_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/**
 * The path and query of a request, read from its target against the configured site and never
 * from `Host`, so every part of the pipeline (origin exemptions, form lookup, Astro) reads the same
 * path. An absolute-form target (`POST http://other.example/subscribe`, which HTTP/1.1 servers
 * must accept) is reduced to its path, and `req.url` rewritten to it for what follows (Astro, sirv).
 * A target or `Host` that is not a URL is the client's mistake: 400.
 */
export function readTarget(req: http.IncomingMessage, siteOrigin: string): URL {
  const host = req.headers.host;
  // Astro builds its request URL from Host, and a malformed one makes it fail with a 500.
  if (host !== undefined && !VALID_HOST.test(host)) throw new HttpError(400, 'The Host header of this request is not a valid host name.');
  let target = req.url ?? '/';
  if (target === '*' && req.method === 'OPTIONS') target = req.url = '/';
  let url: URL;
  try {
    if (/^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      target = req.url = `${absolute.pathname}${absolute.search}`;
    }
    if (!target.startsWith('/')) throw new TypeError('not a path');
    url = new URL(target, siteOrigin);
  } catch {
    throw new HttpError(400, 'The address of this request is not valid.');
  }
  // `/\evil.example/` or `//evil.example` would resolve to another host: not a path on this site.
  if (url.origin !== siteOrigin) throw new HttpError(400, 'The address of this request is not valid.');
  return url;
}
