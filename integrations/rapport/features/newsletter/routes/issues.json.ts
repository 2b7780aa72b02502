import type { APIRoute } from 'astro';
import config from 'virtual:rapport/config';
import project from 'virtual:rapport/project';
import type { CollectionEntry } from 'astro:content';
import { localizedPath } from '../../../config/locales.ts';
import { slugOf } from '../../../content/translations.ts';
import { newsletterIssues } from '../issues.ts';

export const prerender = true;

/** An issue's facts in its language, its page at that language's address. */
function facts(issue: CollectionEntry<'newsletter'>, locale: string) {
  const path = localizedPath(config.site, locale, `/newsletter/${slugOf(issue)}/`);
  return {
    title: issue.data.title,
    description: issue.data.summary,
    date: issue.data.date.toISOString().slice(0, 10),
    path,
    url: `${project.site}${path}`,
  };
}

/**
 * The issues' facts for the server (which has no content layer): written by the build, completed
 * with each page's body after it and moved out of the public folder (see `issue-file.ts`). Each
 * issue carries its translations (`fr-CA`: its French page's facts), which a campaign sends to the
 * readers who speak that language.
 */
export const GET: APIRoute = async () => {
  const others = config.site.locales.filter((code) => code !== config.site.locale);
  const translated = new Map<string, Record<string, ReturnType<typeof facts>>>();
  for (const locale of others)
    for (const issue of await newsletterIssues(locale)) translated.set(slugOf(issue), { ...translated.get(slugOf(issue)), [locale]: facts(issue, locale) });
  const issues = (await newsletterIssues()).map((issue) => {
    const translations = translated.get(slugOf(issue));
    return { slug: slugOf(issue), ...facts(issue, config.site.locale), ...(translations ? { translations } : {}) };
  });
  return new Response(JSON.stringify({ issues }), { headers: { 'Content-Type': 'application/json' } });
};
