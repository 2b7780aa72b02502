import type { APIRoute } from 'astro';
import { getCollection } from 'astro:content';
import { catalogProduct } from '../catalog.ts';

export const prerender = true;

/** The products as the server prices orders; moved out of the public folder after the build. */
export const GET: APIRoute = async () => {
  const products = (await getCollection('products')).map(catalogProduct).sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
  return new Response(JSON.stringify({ products }), { headers: { 'Content-Type': 'application/json' } });
};
