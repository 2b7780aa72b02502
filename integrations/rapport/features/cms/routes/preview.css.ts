import type { APIRoute } from 'astro';
import config from 'virtual:rapport/config';
import css from '../../../site/components/base.css?raw';

/** The site's own stylesheet, for Decap's previews, with the accent colour the site's pages set on `<html>`. */
export const GET: APIRoute = () =>
  new Response(`${css}\n:root { --accent: ${config.site.accentColor}; }\n`, { headers: { 'Content-Type': 'text/css; charset=utf-8' } });
