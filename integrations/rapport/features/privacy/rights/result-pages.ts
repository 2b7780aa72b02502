import type { RapportConfig } from '../../../config/schema.ts';
import type { ResultPage } from '../../../core/feature.ts';
import type { Translator } from '../../../i18n/translate.ts';
import { personalDeclarations } from '../personal-declarations.ts';
import { ACCOUNT_DELETED } from './account-forms.ts';
import { LINK_DELETED, REQUEST_PATH, REQUEST_SENT } from './link-forms.ts';

/**
 * Where the request form and the two deletions send their visitor. The request's page is in every
 * locale, as its form is (`say`'s); the deletions' pages are in the default one.
 */
export function rightsResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const home = { href: '/', label: `Back to ${config.site.name}` };
  const statement = { href: '/privacy#rights', label: 'Our privacy statement' };
  // What every erasure keeps, as the enabled features declare it (the statement prints the same list).
  const keeps = personalDeclarations(config).flatMap((d) => d.keeps ?? []);
  const deleted = (first: string): ResultPage['paragraphs'] => [
    first,
    'Your name, e-mail address, organisation, account, history with us, subscriptions, messages and questions are gone, and the e-mails we kept copies of with them.',
    ...(keeps.length > 0 ? ['We keep only the following, as the law or your own protection requires:', ...keeps.map((k) => `${k.what}: ${k.why}.`)] : []),
  ];
  const pages: Record<string, ResultPage> = {
    [REQUEST_SENT]: {
      title: say('privacy-rights.sent.title'),
      description: say('privacy-rights.sent.description'),
      paragraphs: [say('privacy-rights.sent.text'), say('privacy-rights.sent.spam')],
      links: [
        { href: REQUEST_PATH, label: say('privacy-rights.sent.again') },
        { href: statement.href, label: say('privacy-rights.sent.statement') },
        { href: '/', label: say('privacy-rights.sent.home', { site: config.site.name }) },
      ],
      localized: true,
    },
    [LINK_DELETED]: {
      title: 'Your information is deleted',
      description: 'We have deleted the information we held about you; here is what we keep and why.',
      paragraphs: deleted('We have deleted the information we held about you, all at once.'),
      links: [statement, home],
    },
  };
  if (config.crm.accounts) {
    pages[ACCOUNT_DELETED] = {
      title: 'Your account is deleted',
      description: 'Your account and the information we held about you are deleted; here is what we keep and why.',
      paragraphs: deleted('Your account is deleted and you are signed out. We have deleted the information we held about you, all at once.'),
      links: [statement, home],
    };
  }
  return pages;
}
