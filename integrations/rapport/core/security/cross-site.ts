import type { IncomingMessage } from 'node:http';
/** What a visitor reads when a form post is refused as cross-site. */
export const CROSS_SITE_MESSAGE = 'This form can only be sent from the site itself. Go back to the page, reload it and send it again.';

/** Methods that change nothing; they are never refused for where they come from. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a state-changing request comes from another site (CSRF). Browsers say where a request
 * comes from in `Sec-Fetch-Site` (all current browsers) or `Origin`; a request with neither is
 * refused too, except on routes listed in `exempt`, which check a single-use token instead
 * (RFC 8058 one-click unsubscribe POSTs arrive from mail clients with no Origin).
 */
export function isCrossSiteWrite(request: Request, options: { siteOrigin: string; exempt?: readonly string[] }): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const url = new URL(request.url);
  if (options.exempt?.includes(url.pathname)) return false;
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return true;
  return origin !== options.siteOrigin && origin !== url.origin;
}

/** What the check reads from a Node request (its path, method, `Origin` and `Sec-Fetch-Site`), as a `Request`. */
export function writeProbe(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const name of ['origin', 'sec-fetch-site']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers });
}
