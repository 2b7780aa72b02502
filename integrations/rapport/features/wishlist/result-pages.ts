import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';

/** Where the back-in-stock and wish-list forms send their visitor: in every locale, as the forms are. */
export function wishlistResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const home = { href: '/', label: say('account.result.home', { site: config.site.name }) };
  const catalogue = { href: '/products/', label: say('wishlist.result.catalogue') };
  return {
    '/stock-notice/check-your-inbox': {
      title: say('wishlist.result.inbox.title'),
      description: say('wishlist.result.inbox.description'),
      paragraphs: [say('wishlist.result.inbox.text', { hours: config.crm.signupExpiryHours })],
      links: [catalogue, home],
      localized: true,
    },
    '/stock-notice/confirmed': {
      title: say('wishlist.result.confirmed.title'),
      description: say('wishlist.result.confirmed.description'),
      paragraphs: [say('wishlist.result.confirmed.text')],
      links: [catalogue, home],
      localized: true,
    },
    // A signed-out visitor's "Add to my wish list": why nothing was added, and the way to sign in.
    '/wishlist/sign-in-first': {
      title: say('wishlist.result.sign-in.title'),
      description: say('wishlist.result.sign-in.description'),
      paragraphs: [say('wishlist.result.sign-in.text')],
      links: [
        { href: '/account/sign-in', label: say('wishlist.result.sign-in.link') },
        { href: '/account/register', label: say('wishlist.result.sign-in.register') },
        catalogue,
      ],
      localized: true,
    },
  };
}
