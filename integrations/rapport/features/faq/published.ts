import type { CollectionEntry } from 'astro:content';
import config from 'virtual:rapport/config';
import { entriesIn } from '../../content/translations.ts';
import { clampText } from '../../site/seo/describe.ts';

/** Published FAQ entries in one locale (the default's unless told), in display order: by category, then `order`, then question. */
export async function publishedFaq(locale: string = config.site.locale): Promise<CollectionEntry<'faq'>[]> {
  const entries = await entriesIn('faq', locale, (e) => e.data.status === 'published');
  return entries.sort(
    (a, b) => a.data.category.localeCompare(b.data.category) || a.data.order - b.data.order || a.data.question.localeCompare(b.data.question),
  );
}

/**
 * The site's locales whose published FAQ has this page (`has` is asked of each locale's answers):
 * the locales a FAQ page is translated into, for its `hreflang` links and language switch.
 */
export async function faqLocales(has: (entries: CollectionEntry<'faq'>[], locale: string) => boolean): Promise<string[]> {
  const found = await Promise.all(config.site.locales.map(async (locale) => has(await publishedFaq(locale), locale)));
  return config.site.locales.filter((_, i) => found[i]);
}

/** Plain text of rendered HTML, for descriptions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A meta description from the answer, led by the question when the answer is short. */
export function describeAnswer(question: string, html: string): string {
  const answer = textOf(html);
  return clampText(answer.length < 80 ? `${question} ${answer}` : answer);
}
