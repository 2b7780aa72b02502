import type { APIRoute } from 'astro';
import { checkedSurveys } from '../definitions.ts';

export const prerender = true;

/** The surveys as the server checks answers; moved out of the public folder after the build. */
export const GET: APIRoute = async () => new Response(JSON.stringify({ surveys: await checkedSurveys() }), { headers: { 'Content-Type': 'application/json' } });
