import type { APIRoute } from 'astro';
import project from 'virtual:rapport/project';
import { newsletterIssues } from '../issues.ts';

export const prerender = true;

/**
 * The issues' facts for the server (which has no content layer): written by the build, completed
 * with each page's body after it and moved out of the public folder (see `issue-file.ts`).
 */
export const GET: APIRoute = async () => {
  const issues = (await newsletterIssues()).map((issue) => {
    const path = `/newsletter/${issue.id}/`;
    return {
      slug: issue.id,
      title: issue.data.title,
      description: issue.data.summary,
      date: issue.data.date.toISOString().slice(0, 10),
      path,
      url: `${project.site}${path}`,
    };
  });
  return new Response(JSON.stringify({ issues }), { headers: { 'Content-Type': 'application/json' } });
};
