import type { RapportConfig } from '../../../config/schema.ts';
import type { ResultPage } from '../../../core/feature.ts';
import { personalDeclarations } from '../personal-declarations.ts';
import { ACCOUNT_DELETED } from './account-forms.ts';
import { LINK_DELETED, REQUEST_PATH, REQUEST_SENT } from './link-forms.ts';

/** Where the request form and the two deletions send their visitor. */
export function rightsResultPages(config: RapportConfig): Record<string, ResultPage> {
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
      title: 'Look for our e-mail',
      description: 'If we hold information for the address you gave, we have e-mailed it a link to see or delete it.',
      paragraphs: [
        'If we hold information for this address, we have e-mailed it a link to see it, download it or delete it. The link works once, within 24 hours.',
        'No message within a few minutes? Look in your spam folder, or ask again later. An address that has never used one of our links gets at most three messages from us a day.',
      ],
      links: [{ href: REQUEST_PATH, label: 'Ask for a new link' }, statement, home],
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
