import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';

/** Where the sign-up, confirmation, preferences and unsubscribe forms send their visitor: in every locale, as those forms are. */
export function newsletterResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const pages: Record<string, ResultPage> = {};
  const home = { href: '/', label: say('signup.result.home', { site: config.site.name }) };
  // Not just "Check your inbox": that is the page after registering an account, and titles are unique.
  pages['/subscribe/check-your-inbox'] = {
    title: say('signup.result.check.title'),
    description: say('signup.result.check.description'),
    paragraphs: [
      say('signup.result.check.sent'),
      say('signup.result.check.spam', { hours: config.crm.signupExpiryHours }),
      say('signup.result.check.already'),
      say('signup.result.check.budget'),
    ],
    links: [home],
    localized: true,
  };
  pages['/subscribe/confirmed'] = {
    title: say('signup.result.confirmed.title'),
    description: say('signup.result.confirmed.description'),
    paragraphs: [say('signup.result.confirmed.text')],
    links: [{ href: '/newsletter/', label: say('signup.result.confirmed.archive') }, home],
    localized: true,
  };
  pages['/subscribe/preferences/saved'] = {
    title: say('signup.result.saved.title'),
    description: say('signup.result.saved.description'),
    paragraphs: [say('signup.result.saved.text')],
    links: [home],
    localized: true,
  };
  pages['/unsubscribe/done'] = {
    title: say('signup.result.unsubscribed.title'),
    description: say('signup.result.unsubscribed.description'),
    paragraphs: [say('signup.result.unsubscribed.text')],
    links: [{ href: '/subscribe', label: say('signup.result.unsubscribed.again') }, home],
    localized: true,
  };
  return pages;
}
