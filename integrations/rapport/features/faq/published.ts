import { getCollection, type CollectionEntry } from 'astro:content';
import { clampText } from '../../site/seo/describe.ts';

/** Published FAQ entries in display order: by category, then `order`, then question. */
export async function publishedFaq(): Promise<CollectionEntry<'faq'>[]> {
  const entries = await getCollection('faq', (e) => e.data.status === 'published');
  return entries.sort(
    (a, b) => a.data.category.localeCompare(b.data.category) || a.data.order - b.data.order || a.data.question.localeCompare(b.data.question),
  );
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
