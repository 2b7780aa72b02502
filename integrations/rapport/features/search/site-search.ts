import escapeHtml from 'escape-html';
import lunr from 'lunr';
import type { SearchRecord } from '../../site/build/extract.ts';

/** The server's search index, written at build time next to the server bundle. */
export interface SearchIndexFile {
  version: 1;
  index: object;
  docs: Record<string, Omit<SearchRecord, 'url'>>;
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
const EXCERPT_CHARS = 180;

/** A lunr index over the same records Pagefind indexes (title boosted, positions kept for excerpts). */
export function buildSearchIndex(records: readonly SearchRecord[]): SearchIndexFile {
  const index = lunr(function () {
    this.ref('url');
    this.field('title', { boost: 5 });
    this.field('text');
    this.metadataWhitelist = ['position'];
    for (const r of records) this.add({ url: r.url, title: r.title, text: r.text });
  });
  const docs = Object.fromEntries(records.map(({ url, ...doc }) => [url, doc]));
  return { version: 1, index: index.toJSON(), docs };
}

/** Site search on the server: no JavaScript in the browser, one typo forgiven per word. */
export class SiteSearch {
  readonly #index: lunr.Index;
  readonly #docs: SearchIndexFile['docs'];

  constructor(file: SearchIndexFile) {
    this.#index = lunr.Index.load(file.index);
    this.#docs = file.docs;
  }

  /** Sections present in the index, for the filter. */
  sections(): string[] {
    return [...new Set(Object.values(this.#docs).map((d) => d.section))].sort();
  }

  /**
   * `match: 'all'` (the search box) wants every word, then falls back to any; `'any'` (a question in
   * a visitor's own words, most of them not in the answer) ranks pages by how many words they share.
   */
  search(query: string, options: { section?: string | undefined; limit?: number; match?: 'all' | 'any' } = {}): { hits: SearchHit[]; total: number } {
    const words = queryWords(query);
    if (words.length === 0) return { hits: [], total: 0 };
    // Every word must match (within one edit of its stem), as in Pagefind; when that finds
    // nothing, any word will do. Exact words (stemmed like the index) rank first.
    const all = options.match === 'any' ? [] : this.#query(words, true);
    const results = all.length > 0 ? all : this.#query(words, false);
    const section = options.section?.toLowerCase();
    const matching = results.filter((r) => !section || this.#docs[r.ref]?.section.toLowerCase() === section);
    const hits = matching.slice(0, options.limit ?? 10).map((r) => {
      const doc = this.#docs[r.ref]!;
      return { url: r.ref, title: doc.title, section: doc.section, category: doc.category, excerpt: excerpt(doc.text, positions(r.matchData, 'text')) };
    });
    return { hits, total: matching.length };
  }

  #query(words: string[], requireAll: boolean): lunr.Index.Result[] {
    return this.#index.query((q) => {
      for (const word of words) {
        const stem = lunr.stemmer(new lunr.Token(word, {})).toString();
        q.term(word, { boost: 10 });
        q.term(stem, { editDistance: 1, usePipeline: false, boost: 1, ...(requireAll ? { presence: lunr.Query.presence.REQUIRED } : {}) });
      }
    });
  }
}

/** The query's words as lunr tokenizes them, less stop words ("the", "how", …), at most 10. */
function queryWords(query: string): string[] {
  const tokens = lunr.tokenizer(query.slice(0, 200)).filter((t) => lunr.stopWordFilter(t) !== undefined);
  return [...new Set(tokens.map((t) => t.toString().replace(/[^\p{L}\p{N}'-]/gu, '')).filter((w) => w.length > 0))].slice(0, 10);
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
