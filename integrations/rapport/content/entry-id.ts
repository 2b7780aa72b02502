import { slug as githubSlug } from 'github-slugger';

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/**
 * Whether a file-name suffix or id segment names a language: two letters that are an ISO 639-1
 * code (`fr`, `de`), or one of the site's own languages (which may be three letters, `haw`).
 */
export function isLanguageCode(code: string, siteLanguages: readonly string[] = []): boolean {
  return siteLanguages.includes(code) || (/^[a-z]{2}$/.test(code) && names.of(code) !== undefined);
}

/**
 * An entry's id from its file, the way `content/translations.ts` reads ids back. A translation sits
 * beside its original with its language in the name (`about.fr.md`, Decap's `multiple_files` layout)
 * and gets the id `fr/about`; the original (`about.md`, or `about.en.md` on a site whose default
 * language is `en`) gets its slug, `about`, as Astro would have made it (github-slugger per segment).
 */
export function entryId(entry: string, siteLanguages: readonly string[], defaultLanguage: string | undefined): string {
  const name = entry.replace(/\.(md|mdx|markdown)$/i, '');
  const suffix = /^(.+)\.([a-z]{2,3})$/.exec(name);
  const language = suffix && isLanguageCode(suffix[2]!, siteLanguages) ? suffix[2]! : undefined;
  const slug = (language ? suffix![1]! : name)
    .split('/')
    .map((segment) => githubSlug(segment))
    .join('/')
    .replace(/\/index$/, '');
  return !language || language === defaultLanguage ? slug : `${language}/${slug}`;
}
