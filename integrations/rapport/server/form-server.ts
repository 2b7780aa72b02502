import type { Services } from '../core/services.ts';
import type http from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parseCookie } from 'cookie';
import { endpointForm, type FormEndpoint, type FormOutcome, type FormRequest } from '../core/forms/endpoint.ts';
import { fieldAllowance, type FormState } from '../core/forms/read-form.ts';
import { runForm } from '../core/forms/run-form.ts';
import { readBody } from '../core/http-io.ts';
import { localizedPath, type SiteLocales } from '../config/locales.ts';
import { translator } from '../i18n/translate.ts';

/** What server-rendered pages find in `Astro.locals.rapport`. */
export interface RapportLocals {
  services: Services;
  /** Set when a form post is drawn again with messages. */
  form?: FormState | undefined;
}

type AstroHandler = (req: http.IncomingMessage, res: http.ServerResponse, next: undefined, locals: { rapport: RapportLocals }) => unknown;

/**
 * Answers form posts in Rapport's own server layer: read the body, run the form, and answer
 * `303` (or a one-click `200`) without Astro's request pipeline, which costs more than the
 * database write itself. A form to draw again with messages goes to its Astro page, with the
 * state in `locals`. `locale` is the request's (`requestLocale`): its messages, and the page the
 * form is drawn again on (`/fr/contact` for a post to `/fr/contact`).
 */
export async function serveForm(
  endpoint: FormEndpoint,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  context: {
    services: Services;
    locale?: string | undefined;
    astro: AstroHandler;
    trustProxy: boolean;
    maxBodyBytes: number;
    onAccepted?: (() => void) | undefined;
  },
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const site = context.services.config.site;
  const say = translator(site, context.locale);
  const body = await readBody(req, context.maxBodyBytes);
  if (body === undefined) return answer(res, 413, say('form.body-too-large'));
  const allowance = fieldAllowance(endpointForm(endpoint, context.services));
  if (countFields(req.headers['content-type'], body, allowance) > allowance) {
    return answer(res, 413, say('form.too-many-fields', { allowance }));
  }
  const params = await formParams(req.headers['content-type'], body);
  if (!params) return answer(res, 415, say('form.wrong-encoding'));
  const request: FormRequest = {
    ip: clientIp(req, context.trustProxy),
    cookies: req.headers.cookie ? parseCookie(req.headers.cookie) : {},
    secure: isSecure(req, context.trustProxy),
    query: url.searchParams,
    locale: say.locale,
  };
  let outcome: FormOutcome;
  try {
    outcome = await runForm(endpoint, params, context.services, request);
  } catch (error) {
    context.services.log(`Form ${endpoint.path} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const values = Object.fromEntries([...params].filter(([k]) => k !== 'token'));
    outcome = {
      kind: 'invalid',
      state: { form: endpointForm(endpoint, context.services).id, values, errors: {}, message: say('form.unavailable'), status: 503 },
    };
  }
  switch (outcome.kind) {
    case 'redirect':
      context.onAccepted?.();
      res.writeHead(303, {
        Location: endpoint.localized ? inLocale(site, say.locale, outcome.location) : outcome.location,
        'Cache-Control': 'no-store',
        ...(outcome.cookies ? { 'Set-Cookie': outcome.cookies } : {}),
      });
      res.end();
      return;
    case 'text':
      return answer(res, outcome.status, outcome.body);
    case 'invalid': {
      // Astro draws the form page; it reads the state from locals, not from the body.
      req.url = localizedPath(site, say.locale, endpoint.page ?? endpoint.path);
      (req as { body?: unknown }).body = body;
      await context.astro(req, res, undefined, { rapport: { services: context.services, form: outcome.state } });
    }
  }
}

/** A site path (query kept) in a locale: `/subscribe/confirmed` → `/fr/subscribe/confirmed`; anything else as it is. */
function inLocale(site: SiteLocales, locale: string, location: string): string {
  if (!location.startsWith('/') || location.startsWith('//')) return location;
  const at = location.search(/[?#]/);
  return at < 0 ? localizedPath(site, locale, location) : localizedPath(site, locale, location.slice(0, at)) + location.slice(at);
}

function answer(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/**
 * An upper bound on the fields in a body, counted without parsing it: separators for a URL-encoded
 * body, boundaries for multipart. Stops past `limit`, so a flood of names costs no more than a form.
 */
function countFields(contentType: string | undefined, body: Buffer, limit: number): number {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  const separator = boundary ? Buffer.from(`--${boundary}`) : Buffer.from('&');
  let count = boundary ? 0 : 1;
  for (let at = body.indexOf(separator); at !== -1 && count <= limit; at = body.indexOf(separator, at + separator.length)) count++;
  return count;
}

/** The posted fields; multipart is parsed by the platform's `Response.formData()` (undici). Files are refused. */
async function formParams(contentType: string | undefined, body: Buffer): Promise<URLSearchParams | undefined> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(body.toString('utf8'));
  if (type !== 'multipart/form-data') return undefined;
  try {
    const data = await new Response(new Uint8Array(body), { headers: { 'Content-Type': contentType! } }).formData();
    const params = new URLSearchParams();
    for (const [name, value] of data) {
      if (typeof value !== 'string') return undefined;
      params.append(name, value);
    }
    return params;
  } catch {
    return undefined;
  }
}

/** The visitor's address: the socket's, or the one our trusted proxy added to `X-Forwarded-For`. */
export function clientIp(req: http.IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  // The right-most entry is the one our proxy added; anything left of it is what the client claimed.
  if (trustProxy && typeof forwarded === 'string') return forwarded.split(',').at(-1)!.trim();
  return req.socket.remoteAddress ?? 'unknown';
}

/** The request came over HTTPS, directly or through a trusted proxy. */
export function isSecure(req: http.IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  return trustProxy && req.headers['x-forwarded-proto'] === 'https';
}
