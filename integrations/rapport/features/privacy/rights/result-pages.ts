import type { RapportConfig } from '../../../config/schema.ts';
import type { ResultPage } from '../../../core/feature.ts';
import type { Translator } from '../../../i18n/translate.ts';
import { personalDeclarations } from '../personal-declarations.ts';
import { ACCOUNT_DELETED } from './account-forms.ts';
import { LINK_DELETED, REQUEST_PATH, REQUEST_SENT } from './link-forms.ts';

/**
 * Where the request form and the two deletions send their visitor, in every locale, as their forms
 * are (`say`'s): a French post lands on the French page.
 */
export function rightsResultPages(config: RapportConfig, say: Translator): Record<string, ResultPage> {
  const home = { href: '/', label: say('privacy.link.deleted.home', { site: config.site.name }) };
  const statement = { href: '/privacy#rights', label: say('privacy.link.deleted.statement') };
  // What every erasure keeps, as the enabled features declare it (the statement prints the same list).
  const keeps = personalDeclarations(config).flatMap((d) => d.keeps ?? []);
  const deleted = (first: string): ResultPage['paragraphs'] => [
    first,
    say('privacy.link.deleted.gone'),
    ...(keeps.length > 0
      ? [say('privacy.link.deleted.keeps'), ...keeps.map((k) => say('privacy.page.erasure.item', { what: say.text(k.what), why: say.text(k.why) }))]
      : []),
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
      title: say('privacy.link.deleted.title'),
      description: say('privacy.link.deleted.description'),
      paragraphs: deleted(say('privacy.link.deleted.first')),
      links: [statement, home],
      localized: true,
    },
  };
  if (config.crm.accounts) {
    pages[ACCOUNT_DELETED] = {
      title: say('privacy.link.account-deleted.title'),
      description: say('privacy.link.account-deleted.description'),
      paragraphs: deleted(say('privacy.link.account-deleted.first')),
      links: [statement, home],
      localized: true,
    };
  }
  return pages;
}
