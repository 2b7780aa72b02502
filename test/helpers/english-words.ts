import type { BuiltPage } from './built-site.ts';

/** Words a French sentence does not use; content (a variety's English name, 'Queen of Night') is left out of the check. */
export const ENGLISH =
  /\b(the|and|your|our|you|with|for|from|this|that|all|more|about|search|subscribe|order|home|next|previous|read|answers|share|updated|send|sent|name|address|optional)\b/i;
/** Where Rapport's own words are: the layout, forms and their labels, attributes people hear or see. */
export const AROUND = 'header, footer, nav, label, button, legend, .breadcrumbs, .pagination, form p, .lead + .small, [role=alert], [role=status], .hint';

/** Each text around the content of these pages that has an English word, with its page. */
export function englishAround(french: BuiltPage[]): string[] {
  return french.flatMap((p) => {
    const texts = [
      ...p
        .$(AROUND)
        .toArray()
        .map((el) => p.$(el).text()),
      ...p
        .$('[aria-label], [placeholder], [title]')
        .toArray()
        .flatMap((el) => [p.$(el).attr('aria-label'), p.$(el).attr('placeholder'), p.$(el).attr('title')]),
    ];
    return [...new Set(texts.flatMap((t) => (t && ENGLISH.test(t) ? [`${p.file}: ${t.replace(/\s+/g, ' ').trim().slice(0, 120)}`] : [])))];
  });
}
