import { localizedPath, type SiteLocales } from '../../config/locales.ts';
import { translator, type TranslationSite, type Translator } from '../../i18n/translate.ts';
import { siteLink } from '../forms/endpoint.ts';
import type { Services } from '../services.ts';

/**
 * The language to write to a contact in: the one of the last form they sent (`contacts.language`),
 * else the site's default. A language the site no longer speaks falls back to the default too.
 */
export function mailTranslator(site: TranslationSite & SiteLocales, contact: { language?: string | null | undefined }): Translator {
  const language = contact.language && site.locales.includes(contact.language) ? contact.language : site.locale;
  return translator(site, language);
}

/**
 * An absolute link in a mail written in `say`'s language: to the page in that language. Only for
 * pages served in every locale (`localized` routes); any other page keeps its one address.
 */
export const mailLink = (s: Pick<Services, 'site' | 'config'>, say: Translator, path: string, query?: Record<string, string>) =>
  siteLink(s, localizedPath(s.config.site, say.locale, path), query);

/** Names joined as a sentence says them: "A and B" ("A et B"). */
export const joined = (say: Translator, names: readonly string[]) => names.join(` ${say('mail.and')} `);
