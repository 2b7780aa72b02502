import { existsSync } from 'node:fs';
import { localePath, localizedPath, type SiteLocales } from '../config/locales.ts';
import type { FeatureRoute } from '../core/feature.ts';

/**
 * The routes of a site in several locales: each route that speaks every locale (`localized`)
 * again under each other locale's prefix (`/faq/[slug]` → `/fr/faq/[slug]`), same page file.
 * A site in one locale gets its routes unchanged.
 */
export function routesInEveryLocale(routes: readonly FeatureRoute[], site: SiteLocales): FeatureRoute[] {
  const others = site.locales.filter((code) => code !== site.locale);
  return [...routes, ...others.flatMap((locale) => routes.filter((r) => r.localized).map((r) => ({ ...r, pattern: localizedPath(site, locale, r.pattern) })))];
}

/**
 * The default-locale routes and whether each is served in every locale, for pages to link in their
 * own language: Rapport's routes, and the home page, localized when the project has one in every
 * other locale (`src/pages/fr/index.astro` beside `src/pages/index.astro`; it is the project's own).
 * Localized forms with no page of their own (`/account/subscriptions`, drawn on `/account/`) are
 * among them, so a form on a page in another locale posts under that locale's prefix.
 */
export function routeLocales(
  routes: readonly FeatureRoute[],
  site: SiteLocales,
  srcDir: URL,
  forms: readonly { path: string; localized?: boolean | undefined }[] = [],
): { pattern: string; localized: boolean }[] {
  const others = site.locales.filter((code) => code !== site.locale);
  const hasPage = (folder: string) => ['astro', 'md', 'mdx', 'html'].some((ext) => existsSync(new URL(`pages/${folder}index.${ext}`, srcDir)));
  const home = hasPage('') ? [{ pattern: '/', localized: others.length > 0 && others.every((code) => hasPage(`${localePath(code)}/`)) }] : [];
  const pages = new Set(routes.map((r) => r.pattern));
  const posted = forms.filter((f) => f.localized && !pages.has(f.path)).map((f) => ({ pattern: f.path, localized: true }));
  return [...home, ...routes.map((r) => ({ pattern: r.pattern, localized: r.localized === true })), ...posted];
}
