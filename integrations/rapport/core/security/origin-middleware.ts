import { defineMiddleware } from 'astro:middleware';
import project from 'virtual:rapport/project';
import { CROSS_SITE_MESSAGE, isCrossSiteWrite, requestProbe } from './cross-site.ts';

/**
 * Rapport's own origin check (Astro's `checkOrigin` is off because it cannot exempt a route).
 * Refuses cross-site form posts before any handler runs, so nothing is stored.
 */
export const onRequest = defineMiddleware((context, next) => {
  // A page written at build time answers no post, and reading its request's headers makes Astro
  // warn once per page (thousands of lines in a big build).
  if (context.isPrerendered) return next();
  if (isCrossSiteWrite(requestProbe(context.request), { siteOrigin: new URL(project.site).origin, exempt: ['/unsubscribe'] })) {
    return new Response(CROSS_SITE_MESSAGE, {
      status: 403,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  return next();
});
