import type { AstroConfig } from 'astro';

/** What routes need to know about the Astro project itself (serialisable). */
export interface ProjectInfo {
  /** Absolute site origin with base, without trailing slash, e.g. `https://example.com`. */
  site: string;
  base: string;
  trailingSlash: AstroConfig['trailingSlash'];
  /** Locales of Astro's `i18n`, as Rapport sets it from `site.locales` (empty for a site in one language). */
  locales: { code: string; path: string }[];
  defaultLocale: string | undefined;
  /**
   * The site's routes in the default locale (`/faq/[slug]`) and whether each is served in every
   * locale: a page in another locale links to its own locale's page of these only.
   */
  routes: { pattern: string; localized: boolean }[];
}

type I18n = Pick<NonNullable<AstroConfig['i18n']>, 'locales' | 'defaultLocale'> | undefined;

/** The project's facts; `i18n` is the routing Rapport gives Astro (`astroI18n`), not read back from Astro. */
export function projectInfo(config: AstroConfig, i18n: I18n): ProjectInfo {
  if (!config.site) throw new Error('site missing'); // checked earlier with a friendly message
  return {
    site: new URL(config.base, config.site).href.replace(/\/$/, ''),
    base: config.base,
    trailingSlash: config.trailingSlash,
    locales: (i18n?.locales ?? []).map((l) => (typeof l === 'string' ? { code: l, path: l } : { code: l.codes[0] ?? l.path, path: l.path })),
    defaultLocale: i18n?.defaultLocale,
    routes: [],
  };
}
