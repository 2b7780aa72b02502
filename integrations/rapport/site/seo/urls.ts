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

/** `hreflang` alternates for a path when the project has more than one locale (otherwise none). */
export function alternateLinks(pathname: string, project: ProjectInfo): { hreflang: string; href: string }[] {
  if (project.locales.length < 2 || !project.defaultLocale) return [];
  const segments = pathname.split('/').filter(Boolean);
  const paths = new Set(project.locales.map((l) => l.path));
  const rest = segments[0] && paths.has(segments[0]) ? segments.slice(1) : segments;
  const tail = rest.length ? `${rest.join('/')}${pathname.endsWith('/') ? '/' : ''}` : '';
  const hrefFor = (path: string) => `${project.site}/${path === project.defaultLocale ? '' : `${path}/`}${tail}`;
  const links = project.locales.map((l) => ({ hreflang: l.code, href: hrefFor(l.path) }));
  return [...links, { hreflang: 'x-default', href: hrefFor(project.defaultLocale) }];
}
