import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import config from 'virtual:rapport/config';
import project from 'virtual:rapport/project';
import { newsletterIssues } from '../issues.ts';

export const prerender = true;

/** RSS 2.0 feed of the newsletter archive, full text included. */
export const GET: APIRoute = async () => {
  const issues = await newsletterIssues();
  return rss({
    title: `${config.site.name} newsletter`,
    description: config.site.description,
    site: `${project.site}/`,
    customData: `<language>${config.site.locale.toLowerCase()}</language>`,
    items: issues.map((issue) => ({
      title: issue.data.title,
      description: issue.data.summary,
      pubDate: issue.data.date,
      link: `/newsletter/${issue.id}/`,
      ...(issue.rendered?.html ? { content: issue.rendered.html } : {}),
    })),
  });
};
