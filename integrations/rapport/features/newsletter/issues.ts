import { getCollection, type CollectionEntry } from 'astro:content';

/** Newsletter issues, newest first. */
export async function newsletterIssues(): Promise<CollectionEntry<'newsletter'>[]> {
  return (await getCollection('newsletter')).sort((a, b) => b.data.date.getTime() - a.data.date.getTime());
}

export function formatDate(date: Date, locale: string): string {
  return date.toLocaleDateString(locale, { dateStyle: 'long', timeZone: 'UTC' });
}
