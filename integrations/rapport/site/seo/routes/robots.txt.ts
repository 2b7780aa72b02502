import type { APIRoute } from 'astro';
import project from 'virtual:rapport/project';

export const prerender = true;

/** Lets crawlers in everywhere public and names the sitemap index. */
export const GET: APIRoute = () =>
  new Response(['User-agent: *', 'Allow: /', 'Disallow: /admin/', 'Disallow: /account/', '', `Sitemap: ${project.site}/sitemap-index.xml`, ''].join('\n'), {
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
