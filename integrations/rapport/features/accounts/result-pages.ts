import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';

/** Where the registration, sign-in and sign-out forms send their visitor: served in every locale, as their forms are. */
export function accountResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: say('account.result.home', { site: config.site.name }) };
  const newLink = { href: '/account/sign-in', label: say('account.result.new-link') };
  pages['/account/check-your-inbox'] = {
    title: say('account.result.inbox.title'),
    description: say('account.result.inbox.description'),
    paragraphs: [say('account.result.inbox.text'), say('account.result.no-message')],
    links: [newLink, home],
    localized: true,
  };
  // After "Create my account" a link always goes out (a welcome, or a sign-in link when the address
  // already had an account), so this page can say so plainly and still tell nobody which it was.
  pages['/account/registered'] = {
    title: say('account.result.registered.title'),
    description: say('account.result.registered.description'),
    paragraphs: [say('account.result.registered.text'), say('account.result.no-message')],
    links: [newLink, home],
    localized: true,
  };
  pages['/account/signed-out'] = {
    title: say('account.result.signed-out.title'),
    description: say('account.result.signed-out.description'),
    paragraphs: [say('account.result.signed-out.text')],
    links: [{ href: '/account/sign-in', label: say('account.result.signed-out.again') }, home],
    localized: true,
  };
  return pages;
}
