import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';

/** Where the question form sends its visitor. */
export function questionResultPages(config: RapportConfig): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: `Back to ${config.site.name}` };
  pages['/faq/ask/sent'] = {
    title: 'Question received',
    description: 'Your question has reached us; we answer it on our FAQ page and, if you left your address, write to you once when it is out.',
    paragraphs: [
      'Thank you for asking. We answer questions on our FAQ page, so everyone who wonders the same finds the answer too.',
      'If you left your e-mail address, we have sent you a note that it arrived and will write to you once, when the answer is published.',
    ],
    links: [{ href: '/faq/', label: 'Browse the FAQ' }, home],
  };
  return pages;
}
