import { Parser } from 'htmlparser2';

/** One searchable page, as both indexes see it. */
export interface SearchRecord {
  url: string;
  title: string;
  /** Site section (Products, FAQ, Newsletter, Pages) and, where there is one, its category. */
  section: string;
  category: string | undefined;
  /** Plain text of the page's searchable region. */
  text: string;
  /** The page's language, from `<html lang>` (`en-CA`, `fr-CA`), as Pagefind splits its indexes by it. */
  lang: string | undefined;
}

const BLOCK = new Set(['p', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'dd', 'dt', 'td', 'th', 'br', 'div', 'section', 'article', 'blockquote', 'figcaption']);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * What Pagefind indexes of a page, read the way Pagefind reads it: the element marked
 * `data-pagefind-body`, minus `data-pagefind-ignore`, filters from `data-pagefind-filter="key:value"`,
 * the title from the first `<h1>`. Pages without the marker are not searchable (`undefined`).
 */
export function extractRecord(url: string, html: string): SearchRecord | undefined {
  let depth = 0; // open elements inside the body region; 0 = outside
  let ignoreAt = 0; // depth at which an ignored subtree started
  let found = false;
  let inH1 = false;
  let title = '';
  let text = '';
  let lang: string | undefined;
  const filters = new Map<string, string>();
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (depth === 0) {
          if (name === 'html') lang = attrs['lang']?.trim() || undefined;
          if (!('data-pagefind-body' in attrs) || found) return;
          found = true;
          depth = 1;
        } else if (!VOID.has(name)) depth++;
        const filter = attrs['data-pagefind-filter'];
        const colon = filter?.indexOf(':') ?? -1;
        if (filter && colon > 0) filters.set(filter.slice(0, colon), filter.slice(colon + 1));
        if (!ignoreAt && ('data-pagefind-ignore' in attrs || name === 'script' || name === 'style' || name === 'form')) ignoreAt = VOID.has(name) ? 0 : depth;
        if (name === 'h1' && !title) inH1 = true;
        if (BLOCK.has(name)) text += ' ';
      },
      ontext(chunk) {
        if (depth === 0 || ignoreAt) return;
        text += chunk;
        if (inH1) title += chunk;
      },
      onclosetag(name, implied) {
        if (depth === 0 || (VOID.has(name) && implied)) return;
        if (name === 'h1') inH1 = false;
        if (BLOCK.has(name)) text += ' ';
        if (ignoreAt === depth) ignoreAt = 0;
        depth--;
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  if (!found) return undefined;
  return {
    url,
    title: title.replace(/\s+/g, ' ').trim(),
    section: filters.get('section') ?? 'Pages',
    category: filters.get('category'),
    text: text.replace(/\s+/g, ' ').trim(),
    lang,
  };
}
