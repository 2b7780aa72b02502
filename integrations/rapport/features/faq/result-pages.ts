import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';

/** Where the question form sends its visitor: in every locale, as the form is. */
export function questionResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: say('ask.result.home', { site: config.site.name }) };
  pages['/faq/ask/sent'] = {
    title: say('ask.result.title'),
    description: say('ask.result.description'),
    paragraphs: [say('ask.result.text'), say('ask.result.mailed')],
    links: [{ href: '/faq/', label: say('ask.result.faq') }, home],
    localized: true,
  };
  return pages;
}
