import escapeHtml from 'escape-html';
import lunr from 'lunr';
import type { SearchRecord } from '../../site/build/extract.ts';
import { languageReader, searchLanguage, type LanguageReader, type SearchLanguage } from './search-languages.ts';

/** One page as the server shows it in results. */
type SearchDoc = Omit<SearchRecord, 'url' | 'lang'>;

/** The server's search index, written at build time next to the server bundle. */
export interface SearchIndexFile {
  version: typeof SEARCH_INDEX_VERSION;
  /** One lunr index per language, over that language's pages, each read with its own stemming and stop words. */
  languages: Partial<Record<SearchLanguage, { index: object; docs: Record<string, SearchDoc> }>>;
}

export interface SearchHit {
  url: string;
  title: string;
  section: string;
  category: string | undefined;
  /** Escaped HTML: a passage of the page with the matched words in `<mark>`. */
  excerpt: string;
}

export const SEARCH_INDEX_FILE = 'search-index.json';
/** Bump when the file's shape or its pipelines change: a server refuses an index of another version. */
export const SEARCH_INDEX_VERSION = 2;
const EXCERPT_CHARS = 180;

/** lunr indexes over the same records Pagefind indexes, one per page language (title boosted, positions kept for excerpts). */
export function buildSearchIndex(records: readonly SearchRecord[]): SearchIndexFile {
  const byLanguage = Map.groupBy(records, (r) => searchLanguage(r.lang));
  const languages: SearchIndexFile['languages'] = {};
  for (const [language, group] of byLanguage) {
    const reader = languageReader(language);
    const index = lunr(function () {
      reader.configure(this);
      this.ref('url');
      this.field('title', { boost: 5 });
      this.field('text');
      this.metadataWhitelist = ['position'];
      for (const r of group) this.add({ url: r.url, title: r.title, text: r.text });
    });
    const docs = Object.fromEntries(group.map(({ url, title, section, category, text }) => [url, { title, section, category, text }]));
    languages[language] = { index: index.toJSON(), docs };
  }
  return { version: SEARCH_INDEX_VERSION, languages };
}

/** Site search on the server: no JavaScript in the browser, one typo forgiven per word, each language searched in its own words. */
export class SiteSearch {
  readonly #languages = new Map<SearchLanguage, { index: lunr.Index; docs: Record<string, SearchDoc>; reader: LanguageReader }>();
  /** The language with the most pages, searched when a query's language has none (as Pagefind does). */
  readonly #fallback: SearchLanguage | undefined;

  constructor(file: SearchIndexFile) {
    for (const [language, { index, docs }] of Object.entries(file.languages) as Array<[SearchLanguage, { index: object; docs: Record<string, SearchDoc> }]>)
      this.#languages.set(language, { index: lunr.Index.load(index), docs, reader: languageReader(language) });
    this.#fallback = [...this.#languages].sort((a, b) => Object.keys(b[1].docs).length - Object.keys(a[1].docs).length)[0]?.[0];
  }

  #in(lang: string | undefined) {
    const wanted = this.#languages.get(searchLanguage(lang));
    return wanted ?? (this.#fallback && this.#languages.get(this.#fallback));
  }

  /** Sections present among the pages of a language (`lang` as `search` takes it), for the filter. */
  sections(lang?: string): string[] {
    return [...new Set(Object.values(this.#in(lang)?.docs ?? {}).map((d) => d.section))].sort();
  }

  /**
   * `match: 'all'` (the search box) wants every word, then falls back to any; `'any'` (a question in
   * a visitor's own words, most of them not in the answer) ranks pages by how many words they share.
   * `lang` (a tag such as `fr-CA`) is the language of the page the query comes from: its pages are
   * searched, read with its stemming and stop words.
   */
  search(
    query: string,
    options: { lang?: string | undefined; section?: string | undefined; limit?: number; match?: 'all' | 'any' } = {},
  ): { hits: SearchHit[]; total: number } {
    const language = this.#in(options.lang);
    if (!language) return { hits: [], total: 0 };
    const terms = queryTerms(query, language.reader);
    if (terms.length === 0) return { hits: [], total: 0 };
    // Every word must match (within one edit of its stem), as in Pagefind; when that finds
    // nothing, any word will do. Exact words (stemmed like the index) rank first.
    const all = options.match === 'any' ? [] : runQuery(language.index, terms, true);
    const results = all.length > 0 ? all : runQuery(language.index, terms, false);
    const section = options.section?.toLowerCase();
    const matching = results.filter((r) => !section || language.docs[r.ref]?.section.toLowerCase() === section);
    const hits = matching.slice(0, options.limit ?? 10).map((r) => {
      const doc = language.docs[r.ref]!;
      return { url: r.ref, title: doc.title, section: doc.section, category: doc.category, excerpt: excerpt(doc.text, positions(r.matchData, 'text')) };
    });
    return { hits, total: matching.length };
  }
}

function runQuery(index: lunr.Index, terms: string[], requireAll: boolean): lunr.Index.Result[] {
  return index.query((q) => {
    for (const term of terms) {
      q.term(term, { usePipeline: false, boost: 10 });
      q.term(term, { editDistance: 1, usePipeline: false, boost: 1, ...(requireAll ? { presence: lunr.Query.presence.REQUIRED } : {}) });
    }
  });
}

/** The query's words as lunr tokenizes them, less stop words ("the", "les", …), at most 10, as the index's terms. */
function queryTerms(query: string, reader: LanguageReader): string[] {
  const words = lunr
    .tokenizer(query.slice(0, 200))
    .map((t) => t.toString())
    .filter((w) => !reader.isStopWord(w))
    .map((w) => w.replace(/[^\p{L}\p{M}\p{N}'’-]/gu, ''))
    .filter((w) => w.length > 0);
  const terms = words.map((w) => reader.term(w)).filter((t) => t !== undefined);
  return [...new Set(terms)].slice(0, 10);
}

function positions(matchData: lunr.MatchData, field: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const fields of Object.values(matchData.metadata)) {
    const list = (fields as Record<string, { position?: Array<[number, number]> }>)[field]?.position ?? [];
    found.push(...list);
  }
  return found.sort((a, b) => a[0] - b[0]);
}

/** About 180 characters around the first match, at word boundaries, escaped, matches marked. */
function excerpt(text: string, marks: Array<[number, number]>): string {
  const first = marks[0]?.[0] ?? 0;
  let start = Math.max(0, first - 50);
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + EXCERPT_CHARS);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;
  let html = start > 0 ? '… ' : '';
  let at = start;
  for (const [pos, len] of marks) {
    if (pos < at || pos + len > end) continue;
    html += `${escapeHtml(text.slice(at, pos))}<mark>${escapeHtml(text.slice(pos, pos + len))}</mark>`;
    at = pos + len;
  }
  html += escapeHtml(text.slice(at, end)) + (end < text.length ? ' …' : '');
  return html;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** The server's search index (`/search`, the questions form); absent when the build made none. */
      search?: SiteSearch | undefined;
    }
  }
}
