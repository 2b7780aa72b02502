import type { AstroConfig } from 'astro';
import { z } from 'astro/zod';
import { isMessageKey, languageOf } from '../i18n/catalogues.ts';
import { variablesOf } from '../i18n/translate.ts';
import en from '../i18n/en-CA.ts';

/** A BCP 47 tag as sites use them: a language, optionally a region (`en-CA`, `fr`). */
export const LocaleTagSchema = z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'use a BCP 47 tag such as "en-CA"');

/** What the locale helpers need from the parsed options. */
export interface SiteLocales {
  /** The default locale (the first of `locales`). */
  locale: string;
  /** Every locale of the site, the default first (one for a site in one language). */
  locales: readonly string[];
}

/** The URL segment of a locale: its language (`fr-CA` → `fr`); the default locale has none. */
export const localePath = languageOf;

/**
 * Astro's `i18n` for the site's locales: the default at `/`, each other one under its language.
 * Undefined for a site in one language, which keeps Astro's routing exactly as it was.
 */
export function astroI18n(site: SiteLocales): AstroConfig['i18n'] {
  if (site.locales.length < 2) return undefined;
  return {
    defaultLocale: localePath(site.locale),
    locales: site.locales.map((code) => ({ path: localePath(code), codes: [code] as [string] })),
    routing: { prefixDefaultLocale: false, redirectToDefaultLocale: false, fallbackType: 'redirect' },
  };
}

/**
 * The locale a request is in, read from its path, and the path without the locale's prefix:
 * `/fr/contact` → `fr-CA`, `/contact`; anything else is the default locale. The one place a
 * request's language is decided (forms, their messages, the page a form is drawn again on).
 */
export function requestLocale(site: SiteLocales, pathname: string): { locale: string; path: string } {
  // (A build made before `locales` existed records none: it is a site in one language.)
  if (((site.locales as readonly string[] | undefined)?.length ?? 0) > 1) {
    const segment = /^\/([^/]+)(\/.*)?$/.exec(pathname);
    const locale = segment && site.locales.find((code) => code !== site.locale && localePath(code) === segment[1]);
    if (locale) return { locale, path: segment[2] || '/' };
  }
  return { locale: site.locale, path: pathname };
}

/** A language's name in itself, capitalised (`fr-CA` → `Français`): how a link to it reads to those who speak it. */
export function languageName(locale: string): string {
  const name = new Intl.DisplayNames([locale], { type: 'language' }).of(localePath(locale)) ?? locale;
  return name.charAt(0).toLocaleUpperCase(locale) + name.slice(1);
}

/** A site path in a locale: `/contact` in `fr-CA` → `/fr/contact`; the default locale's paths are unchanged. */
export function localizedPath(site: SiteLocales, locale: string, path: string): string {
  if (locale === site.locale || !site.locales.includes(locale)) return path;
  return `/${localePath(locale)}${path === '/' ? '/' : path}`;
}

interface LocaleOptions {
  locale?: string | undefined;
  locales?: string[] | undefined;
  messages?: Record<string, Record<string, string>> | undefined;
  translations?: Record<string, unknown> | undefined;
  navigation?: Array<{ translations?: Record<string, string> | undefined }> | undefined;
}

/** What a page says about the site in one locale. */
export interface LocalSite {
  tagline: string | undefined;
  description: string;
  catalogName: string;
  navigation: { label: string; href: string }[];
}

interface SiteWords extends SiteLocales {
  tagline?: string | undefined;
  description: string;
  catalogName: string;
  navigation: Array<{ label: string; href: string; translations?: Record<string, string> | undefined }>;
  translations?: Record<string, { tagline?: string | undefined; description?: string | undefined; catalogName?: string | undefined }> | undefined;
}

/**
 * The site's own words in a locale (`site.translations`, each link's `translations`), falling back
 * to the default locale's; links keep their default-locale path (a page turns them into its locale's).
 */
export function localSite(site: SiteWords, locale: string): LocalSite {
  const own = locale === site.locale ? undefined : site.translations?.[locale];
  return {
    tagline: own?.tagline ?? site.tagline,
    description: own?.description ?? site.description,
    catalogName: own?.catalogName ?? site.catalogName,
    navigation: site.navigation.map((item) => ({ label: (locale !== site.locale && item.translations?.[locale]) || item.label, href: item.href })),
  };
}

/** Checks the locale options together: one default, one path per language, the project's wording against the catalogues. */
export function checkLocales(site: LocaleOptions, ctx: z.core.$RefinementCtx<LocaleOptions>): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (site.locale && site.locales && site.locales[0] !== site.locale) {
    issue(['locale'], `is the default locale, the first of site.locales ("${site.locales[0]}"): leave site.locale out`);
  }
  const locales = site.locales ?? [site.locale ?? 'en-CA'];
  const byPath = new Map<string, string>();
  locales.forEach((code, i) => {
    const other = byPath.get(localePath(code));
    if (other)
      issue(['locales', i], `"${code}" has the same language as "${other}": a site has one locale per language (its pages are under /${localePath(code)}/)`);
    else byPath.set(localePath(code), code);
  });
  const notALocale = (code: string) => `"${code}" is not one of the site's locales (${locales.join(', ')})`;
  for (const code of Object.keys(site.translations ?? {})) if (!locales.includes(code)) issue(['translations', code], notALocale(code));
  site.navigation?.forEach((item, i) => {
    for (const code of Object.keys(item.translations ?? {})) if (!locales.includes(code)) issue(['navigation', i, 'translations', code], notALocale(code));
  });
  for (const [code, texts] of Object.entries(site.messages ?? {})) {
    if (!locales.includes(code)) {
      issue(['messages', code], notALocale(code));
      continue;
    }
    for (const [key, text] of Object.entries(texts)) {
      if (!isMessageKey(key)) {
        issue(['messages', code, key], `"${key}" is not a message key; the keys are in integrations/rapport/i18n/en-CA.ts`);
        continue;
      }
      let names: Set<string>;
      try {
        names = variablesOf(text);
      } catch {
        issue(['messages', code, key], 'is not a valid message (check the braces)');
        continue;
      }
      const expected = variablesOf(en[key]);
      if ([...names].sort().join() !== [...expected].sort().join()) {
        const list = (s: Set<string>) => (s.size ? [...s].map((n) => `{${n}}`).join(', ') : 'no placeholders');
        issue(['messages', code, key], `uses ${list(names)} where the original uses ${list(expected)}`);
      }
    }
  }
}
