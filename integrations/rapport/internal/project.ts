import type { AstroConfig } from 'astro';

/** What routes need to know about the Astro project itself (serialisable). */
export interface ProjectInfo {
  /** Absolute site origin with base, without trailing slash, e.g. `https://example.com`. */
  site: string;
  base: string;
  trailingSlash: AstroConfig['trailingSlash'];
  /** Locales configured in Astro's `i18n` (empty when not configured). */
  locales: { code: string; path: string }[];
  defaultLocale: string | undefined;
}

export function projectInfo(config: AstroConfig): ProjectInfo {
  if (!config.site) throw new Error('site missing'); // checked earlier with a friendly message
  const i18n = config.i18n;
  return {
    site: new URL(config.base, config.site).href.replace(/\/$/, ''),
    base: config.base,
    trailingSlash: config.trailingSlash,
    locales: (i18n?.locales ?? []).map((l) => (typeof l === 'string' ? { code: l, path: l } : { code: l.codes[0] ?? l.path, path: l.path })),
    defaultLocale: i18n?.defaultLocale,
  };
}
