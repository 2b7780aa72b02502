import config from 'virtual:rapport/config';
import project from 'virtual:rapport/project';
import { localizedPath, localSite, requestLocale, type LocalSite } from '../config/locales.ts';
import { translator, type Translator } from '../i18n/translate.ts';

/** What a page needs to speak its visitor's language: the locale its address is in, its words and its links. */
export interface PageLocale {
  /** The page's locale (`fr-CA`), from its address: `/fr/…` is French, anything else the default. */
  locale: string;
  /** Whether it is the site's default locale. */
  isDefault: boolean;
  /** The page's path without the locale prefix (`/fr/faq/` → `/faq/`). */
  path: string;
  /** Whether the site serves this page's route in each of its locales. */
  localized: boolean;
  /** Rapport's messages in this locale (`say('layout.skip')`). */
  say: Translator;
  /** The site's own words in this locale; navigation links already point to this locale's pages. */
  site: LocalSite;
  /**
   * A default-locale site path as this page should link it: its own locale's page where the site
   * serves that route in every locale, else the path as it is (an English-only page stays English).
   */
  href(path: string): string;
}

interface RouteTest {
  test: RegExp;
  /** Per segment: 2 fixed, 1 a parameter, 0 a rest parameter (how Astro ranks routes that match alike). */
  rank: number[];
  localized: boolean;
}

/** A route pattern as a test on paths: `/faq/[slug]` → `^/faq/[^/]+/?$`, `[...page]` matches any rest. */
function routeTest(pattern: string, localized: boolean): RouteTest {
  const segments = pattern.split('/').filter(Boolean);
  const rest = (s: string) => /^\[\.\.\..+\]$/.test(s);
  const body = segments.map((s) => (rest(s) ? '(?:/.*)?' : '/' + s.replace(/[.]/g, '\\.').replace(/\[[^\]]+\]/g, '[^/]+'))).join('');
  return { test: new RegExp(`^${body}/?$`), rank: segments.map((s) => (rest(s) ? 0 : s.includes('[') ? 1 : 2)), localized };
}

/** Whether `a` is the more specific route: the first segment that differs is fixed rather than a parameter. */
function moreSpecific(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? -1) !== (b[i] ?? -1)) return (a[i] ?? -1) > (b[i] ?? -1);
  return false;
}

let routeTests: RouteTest[] | undefined;
/** Whether the site serves this default-locale path in each of its locales: the route that would answer it (as Astro picks one) says. */
function servedInEveryLocale(path: string): boolean {
  routeTests ??= project.routes.map((r) => routeTest(r.pattern, r.localized));
  let best: RouteTest | undefined;
  for (const route of routeTests) if (route.test.test(path) && (!best || moreSpecific(route.rank, best.rank))) best = route;
  return best?.localized ?? false;
}

/** A default-locale path in `locale`, where the site serves that page in it. */
export function localHref(locale: string, href: string): string {
  if (locale === config.site.locale || !href.startsWith('/') || href.startsWith('//')) return href;
  const [, path = href, rest = ''] = /^([^?#]*)(.*)$/.exec(href) ?? [];
  return servedInEveryLocale(path) ? localizedPath(config.site, locale, path) + rest : href;
}

const byLocale = new Map<string, Omit<PageLocale, 'path' | 'localized'>>();

/** The locale of a page at this address (`Astro.url`), with its words and links. */
export function pageLocale(url: URL | string): PageLocale {
  const pathname = typeof url === 'string' ? url : url.pathname;
  const { locale, path } = requestLocale(config.site, pathname);
  let words = byLocale.get(locale);
  if (!words) {
    const site = localSite(config.site, locale);
    words = {
      locale,
      isDefault: locale === config.site.locale,
      say: translator(config.site, locale),
      site: { ...site, navigation: site.navigation.map((item) => ({ ...item, href: localHref(locale, item.href) })) },
      href: (href: string) => localHref(locale, href),
    };
    byLocale.set(locale, words);
  }
  return { ...words, path, localized: config.site.locales.length > 1 && servedInEveryLocale(path) };
}

/** The locale a prerendered route is generated in, from the pattern `getStaticPaths` is given (`/fr/faq/[slug]` → `fr-CA`). */
export const routeLocale = (routePattern: string): string => requestLocale(config.site, routePattern).locale;
