import { extractRecord } from '../../site/build/extract.ts';

/**
 * The published answer as plain text, for the mail that tells the asker: the built page's
 * searchable region (navigation is marked `data-pagefind-ignore` there), less the question heading.
 */
export function answerText(slug: string, html: string): string | undefined {
  const record = extractRecord(`/faq/${slug}/`, html);
  if (!record) return undefined;
  return record.text.startsWith(record.title) ? record.text.slice(record.title.length).trim() : record.text;
}
