import type { APIRoute } from 'astro';
import { catalogFromCollection } from '../catalog-images.ts';

export const prerender = true;

/** The products as the server prices orders; moved out of the public folder after the build. */
export const GET: APIRoute = async () => {
  const products = await catalogFromCollection();
  return new Response(JSON.stringify({ products }), { headers: { 'Content-Type': 'application/json' } });
};
