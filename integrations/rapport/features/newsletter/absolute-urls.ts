import { parseHTML } from 'linkedom';

const URL_ATTRIBUTES = ['href', 'src', 'poster', 'background'];
/** What a mail client must never run or fetch from an issue's body. */
const DROPPED = 'script, noscript, iframe, object, embed, form, link, meta';

/** `url` resolved against `base`; undefined when it is not a URL at all. */
const resolve = (url: string, base: URL) => URL.parse(url.trim(), base)?.href;

/** One `srcset` candidate list with each URL made absolute. */
const absoluteSrcset = (srcset: string, base: URL) =>
  srcset
    .split(',')
    .map((candidate) => {
      const [url = '', ...descriptor] = candidate.trim().split(/\s+/);
      return [resolve(url, base) ?? '', ...descriptor].join(' ');
    })
    .join(', ');

/**
 * A page fragment with every link and image URL made absolute against `base` (the archive
 * page, so `#section` links open that page), since a mail has no address of its own to resolve
 * them from. Active content is removed: mail clients would strip it anyway. `track` may swap each
 * link's destination (a campaign's counted `/r/` link).
 */
export function absoluteUrls(fragment: string, base: URL, track: (url: string) => string = (url) => url): string {
  const { document } = parseHTML(`<!doctype html><html><head></head><body>${fragment}</body></html>`);
  for (const el of document.body.querySelectorAll(DROPPED)) el.remove();
  for (const el of document.body.querySelectorAll('*')) {
    for (const name of URL_ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value === null) continue;
      const absolute = resolve(value, base);
      if (absolute === undefined) el.removeAttribute(name);
      else el.setAttribute(name, name === 'href' && el.tagName === 'A' ? track(absolute) : absolute);
    }
    const srcset = el.getAttribute('srcset');
    if (srcset !== null) el.setAttribute('srcset', absoluteSrcset(srcset, base));
  }
  return document.body.innerHTML;
}
