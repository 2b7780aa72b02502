import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';

/** Where the contact form sends its visitor. */
export function contactResultPages(config: RapportConfig): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: `Back to ${config.site.name}` };
  pages['/contact/sent'] = {
    title: 'Message sent',
    description: 'Your message has reached us; we answer within one working day.',
    paragraphs: [
      'Thank you for writing. We have your message and we answer within one working day.',
      'We also e-mail you a note that it arrived. It quotes your message only once your address has used one of our links (confirmed a subscription, signed in): until then our mail never repeats what was typed on the form, so nobody can send their text to a stranger through us.',
    ],
    links: [home],
  };
  return pages;
}
