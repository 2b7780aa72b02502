import en from './en-CA.ts';
import fr from './fr-CA.ts';

/** A key of the message catalogues (the source catalogue, `en-CA.ts`, has them all). */
export type MessageKey = keyof typeof en;
/** One locale's messages: every key, as an ICU message. */
export type Catalogue = Record<MessageKey, string>;

/** The locale whose catalogue has every key and is the last fallback. */
export const SOURCE_LOCALE = 'en-CA';

/** The catalogues Rapport ships, by BCP 47 tag. A new language is one file and one line here. */
export const CATALOGUES: Readonly<Record<string, Catalogue>> = { 'en-CA': en, 'fr-CA': fr };

export const MESSAGE_KEYS = Object.keys(en) as MessageKey[];

export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);

/** The language of a tag, lower case: `fr-CA` → `fr`. */
export const languageOf = (locale: string) => locale.split('-')[0]!.toLowerCase();

/**
 * The shipped catalogue for a locale: the same tag, else one of the same language (a site in
 * `en-US` reads the `en-CA` texts, one in `fr-FR` the `fr-CA` ones), else none.
 */
export function catalogueFor(locale: string): { locale: string; messages: Catalogue } | undefined {
  if (Object.hasOwn(CATALOGUES, locale)) return { locale, messages: CATALOGUES[locale]! };
  const same = Object.keys(CATALOGUES).find((code) => languageOf(code) === languageOf(locale));
  return same ? { locale: same, messages: CATALOGUES[same]! } : undefined;
}
