import type { APIRoute } from 'astro';
import config from 'virtual:rapport/config';
import project from 'virtual:rapport/project';
import { localizedPath } from '../../../config/locales.ts';

export const prerender = true;

// The customer's own pages, in each of the site's languages (`/account/`, `/fr/account/`).
const accounts = config.site.locales.map((locale) => `Disallow: ${localizedPath(config.site, locale, '/account/')}`);

/** Lets crawlers in everywhere public and names the sitemap index. */
export const GET: APIRoute = () =>
  new Response(['User-agent: *', 'Allow: /', 'Disallow: /admin/', ...accounts, '', `Sitemap: ${project.site}/sitemap-index.xml`, ''].join('\n'), {
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
