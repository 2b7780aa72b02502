import type { CollectionEntry } from 'astro:content';
import config from 'virtual:rapport/config';
import { entriesIn } from '../../content/translations.ts';

/** Newsletter issues in one locale (the default's unless told), newest first. */
export async function newsletterIssues(locale: string = config.site.locale): Promise<CollectionEntry<'newsletter'>[]> {
  return (await entriesIn('newsletter', locale)).sort((a, b) => b.data.date.getTime() - a.data.date.getTime());
}

export function formatDate(date: Date, locale: string): string {
  return date.toLocaleDateString(locale, { dateStyle: 'long', timeZone: 'UTC' });
}
