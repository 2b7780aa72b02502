import rss from '@astrojs/rss';
import type { APIRoute } from 'astro';
import config from 'virtual:rapport/config';
import project from 'virtual:rapport/project';
import { slugOf } from '../../../content/translations.ts';
import { pageLocale } from '../../../site/page-locale.ts';
import { newsletterIssues } from '../issues.ts';

export const prerender = true;

/** RSS 2.0 feed of the newsletter archive, full text included: one per locale, of the issues written in it. */
export const GET: APIRoute = async ({ url }) => {
  const here = pageLocale(url);
  const issues = await newsletterIssues(here.locale);
  return rss({
    title: here.say('layout.feed.title', { site: config.site.name }),
    description: here.site.description,
    site: `${project.site}/`,
    customData: `<language>${here.locale.toLowerCase()}</language>`,
    items: issues.map((issue) => ({
      title: issue.data.title,
      description: issue.data.summary,
      pubDate: issue.data.date,
      link: here.href(`/newsletter/${slugOf(issue)}/`),
      ...(issue.rendered?.html ? { content: issue.rendered.html } : {}),
    })),
  });
};
