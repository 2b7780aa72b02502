import type { ProjectInfo } from '../../internal/project.ts';

/** Builds absolute URLs from site paths (`/products/` → `https://example.com/products/`). */
export function absoluteUrl(project: Pick<ProjectInfo, 'site'>) {
  return (path: string): string => (/^https?:\/\//.test(path) ? path : `${project.site}${path.startsWith('/') ? '' : '/'}${path}`);
}

/** Where the generated Open Graph image of a page lives: `/` → `/og/index.png`, `/a/b/` → `/og/a/b.png`. */
export function ogImagePath(pathname: string): string {
  const trimmed = pathname.replace(/\.html$/, '').replace(/^\/+|\/+$/g, '');
  return `/og/${trimmed || 'index'}.png`;
}

/**
 * `hreflang` alternates of a page: one per locale it exists in (`available`, its own included) and
 * `x-default` on the default locale's, when that makes more than one language; otherwise none (a
 * page in one language has no alternates, and none may point at a page that does not exist).
 */
export function alternateLinks(pathname: string, project: ProjectInfo, available: readonly string[]): { hreflang: string; href: string }[] {
  if (project.locales.length < 2 || !project.defaultLocale) return [];
  const locales = project.locales.filter((l) => available.includes(l.code));
  if (locales.length < 2) return [];
  const segments = pathname.split('/').filter(Boolean);
  const paths = new Set(project.locales.map((l) => l.path));
  const rest = segments[0] && paths.has(segments[0]) ? segments.slice(1) : segments;
  const tail = rest.length ? `${rest.join('/')}${pathname.endsWith('/') ? '/' : ''}` : '';
  const hrefFor = (path: string) => `${project.site}/${path === project.defaultLocale ? '' : `${path}/`}${tail}`;
  const links = locales.map((l) => ({ hreflang: l.code, href: hrefFor(l.path) }));
  const hasDefault = locales.some((l) => l.path === project.defaultLocale);
  return hasDefault ? [...links, { hreflang: 'x-default', href: hrefFor(project.defaultLocale) }] : links;
}
