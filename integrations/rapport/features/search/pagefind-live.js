// Live search with Pagefind, for a build served as static files (no `/search` to ask). Copied
// next to Pagefind as /pagefind/rapport-live.js and loaded by the site's search script only then.
// Answers as the server page would: lunr's BM25 constants (k1 1.2, b 0.75), "…" where an excerpt
// cuts the text, and [status line, count, up to eight <li>] (the status in the page's language).
let pagefind;
const esc = (t) => String(t).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Pagefind's excerpt with "… " before and " …" after where it cuts the page's text. */
function marked(data) {
  const plain = data.excerpt.replace(/<[^>]*>/g, '').trim();
  const content = data.content.replace(/\s+/g, ' ').trim();
  const at = content.indexOf(plain);
  return `${at > 0 ? '… ' : ''}${data.excerpt}${at < 0 || at + plain.length < content.length ? ' …' : ''}`;
}

/**
 * The first results for `q`, as [status line, count, up to eight <li>]. `words` are the page's
 * language's status lines (its catalogue's, from the search form): nothing found (`{q}`), one
 * result and more (`{n}`), picked by the page language's plural rules.
 */
export async function search(q, section, words = []) {
  pagefind ??= import('./pagefind.js').then(async (m) => {
    await m.options({ excerptLength: 24, ranking: { termSaturation: 1.2, pageLength: 0.75 } });
    m.init();
    return m;
  });
  const found = await (await pagefind).search(q, section ? { filters: { section } } : {});
  const data = await Promise.all(found.results.slice(0, 8).map((r) => r.data()));
  const n = found.results.length;
  const lang = globalThis.document.documentElement.lang || undefined;
  const [none, one, other] = words;
  const status = n ? (new Intl.PluralRules(lang).select(n) === 'one' ? one : other) : none;
  return [
    (status ?? '').replace('{q}', () => q).replace('{n}', () => n.toLocaleString(lang)),
    n,
    data.map((d) => `<li><a href="${esc(d.url)}">${esc(d.meta.title)}</a><p>${marked(d)}</p></li>`),
  ];
}
