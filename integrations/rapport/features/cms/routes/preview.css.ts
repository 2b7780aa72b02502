import type { APIRoute } from 'astro';
import css from '../../../site/components/base.css?raw';

/** The site's own stylesheet, for Decap's previews. */
export const GET: APIRoute = () => new Response(css, { headers: { 'Content-Type': 'text/css; charset=utf-8' } });
