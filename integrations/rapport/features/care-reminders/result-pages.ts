import type { RapportConfig } from '../../config/schema.ts';
import type { ResultPage } from '../../core/feature.ts';
import type { Translator } from '../../i18n/translate.ts';

/** Where the reminder forms send their visitor: in every locale, as the forms are. */
export function careResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const home = { href: '/', label: say('account.result.home', { site: config.site.name }) };
  const account = { href: '/account/', label: say('care.result.account') };
  return {
    '/care-reminders/check-your-inbox': {
      title: say('care.result.inbox.title'),
      description: say('care.result.inbox.description'),
      paragraphs: [say('care.result.inbox.text', { hours: config.crm.signupExpiryHours })],
      links: [home],
      localized: true,
    },
    '/care-reminders/confirmed': {
      title: say('care.result.confirmed.title'),
      description: say('care.result.confirmed.description'),
      paragraphs: [say('care.result.confirmed.text')],
      links: [account, home],
      localized: true,
    },
    '/care-reminders/removed': {
      title: say('care.result.removed.title'),
      description: say('care.result.removed.description'),
      paragraphs: [say('care.result.removed.text')],
      links: [account, home],
      localized: true,
    },
  };
}
