import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { localePath, requestLocale, type SiteLocales } from '../config/locales.ts';

/** The built 404 page for an address, or undefined where the build has none prerendered. */
export type NotFoundPages = (pathname: string) => Buffer | undefined;

/**
 * The prerendered 404 pages of a build, by the language of the address asked: `/fr/…` gets
 * `fr/404.html`, anything else `404.html`. Astro picks its error route that way too (`/fr/404` for
 * a path under `/fr/`), but the Node adapter then reads a prerendered one from the build's root
 * whatever the path, so Rapport's server answers the addresses no route matches itself. A locale
 * without its own (a project's `src/pages/404.astro`) gets the default locale's.
 */
export function notFoundPages(clientDir: string, site: SiteLocales): NotFoundPages {
  const read = (folder: string) => {
    for (const file of ['404.html', '404/index.html']) {
      try {
        return readFileSync(path.join(clientDir, folder, file));
      } catch {
        // Not this name; the next, or none.
      }
    }
    return undefined;
  };
  // (A build made before `locales` existed records none: it is a site in one language.)
  const locales = site.locales ?? [site.locale];
  const pages = new Map(locales.map((code) => [code, read(code === site.locale ? '' : localePath(code))]));
  return (pathname) => pages.get(requestLocale(site, pathname).locale) ?? pages.get(site.locale);
}

/** Answers with the 404 page for the request's address; false where the build has none (Astro answers then). */
export function sendNotFound(pages: NotFoundPages, pathname: string, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const page = pages(pathname);
  if (!page) return false;
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(req.method === 'HEAD' ? undefined : page);
  return true;
}
