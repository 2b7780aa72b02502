import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';

/** Where the contact form sends its visitor: in every locale, as the form is. */
export function contactResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: say('contact.result.home', { site: config.site.name }) };
  pages['/contact/sent'] = {
    title: say('contact.result.title'),
    description: say('contact.result.description'),
    paragraphs: [say('contact.result.text'), say('contact.result.mailed')],
    links: [home],
    localized: true,
  };
  return pages;
}
