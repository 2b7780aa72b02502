import type { IncomingMessage } from 'node:http';
/** What a visitor reads when a form post is refused as cross-site. */
export const CROSS_SITE_MESSAGE = 'This form can only be sent from the site itself. Go back to the page, reload it and send it again.';

/** Methods that change nothing; they are never refused for where they come from. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the check reads from a request: plain strings, so nothing a client sends is parsed as a URL. */
export interface WriteProbe {
  method: string;
  /** The request's path, as the pipeline read it (against the configured site). */
  path: string;
  origin: string | undefined;
  fetchSite: string | undefined;
  /** `http(s)://` + the `Host` the request was sent to (the server reached under another name, e.g. localhost). */
  reached: string | undefined;
}

/**
 * Whether a state-changing request comes from another site (CSRF). Browsers say where a request
 * comes from in `Sec-Fetch-Site` (all current browsers) or `Origin`; a request with neither is
 * refused too, except on routes listed in `exempt`, which check a single-use token instead
 * (RFC 8058 one-click unsubscribe POSTs arrive from mail clients with no Origin).
 */
export function isCrossSiteWrite(probe: WriteProbe, options: { siteOrigin: string; exempt?: readonly string[] }): boolean {
  if (SAFE_METHODS.has(probe.method)) return false;
  if (options.exempt?.includes(probe.path)) return false;
  if (probe.fetchSite) return probe.fetchSite !== 'same-origin' && probe.fetchSite !== 'none';
  if (!probe.origin || probe.origin === 'null') return true;
  // Compared as strings: a browser sets both Origin and Host, so a page on the server it reached
  // is same-origin even before the site's domain points at it.
  return probe.origin !== options.siteOrigin && probe.origin !== probe.reached;
}

/** The probe of a Node request whose path the pipeline has read. */
export function writeProbe(req: IncomingMessage, path: string, secure = false): WriteProbe {
  const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
  const host = header('host');
  return {
    method: req.method ?? 'POST',
    path,
    origin: header('origin'),
    fetchSite: header('sec-fetch-site'),
    reached: host ? `${secure ? 'https' : 'http'}://${host}` : undefined,
  };
}

/** The probe of a WHATWG request (Astro's middleware, whose URL Astro has already parsed). */
export function requestProbe(request: Request): WriteProbe {
  const url = new URL(request.url);
  return {
    method: request.method,
    path: url.pathname,
    origin: request.headers.get('origin') ?? undefined,
    fetchSite: request.headers.get('sec-fetch-site') ?? undefined,
    reached: url.origin,
  };
}
