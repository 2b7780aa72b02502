import type { FeatureContext } from '../../../core/feature.ts';
import type { FeaturePrivacy } from '../../../core/privacy/declaration.ts';
import { deleteAccountForm, detailsForm } from './account-forms.ts';
import { deleteByLinkForm, openLinkForm, requestForm } from './link-forms.ts';
import { PRIVACY_REQUEST_TTL_MS, privacyCookieUse } from './privacy-link.ts';
import { fieldMessage } from '../../../i18n/translate.ts';

/**
 * The forms people use their rights with: on the account page (when accounts are on), and the
 * request form with its mailed link (whenever a server takes forms).
 */
export const rightsPrivacy = ({ config }: FeatureContext): FeaturePrivacy => ({
  id: 'privacy-rights',
  name: 'privacy requests',
  forms: [requestForm(), openLinkForm(), deleteByLinkForm(), ...(config.crm.accounts ? [detailsForm(), deleteAccountForm()] : [])],
  stores: [
    {
      what: fieldMessage('privacy.stored.privacy-links'),
      category: 'technical',
      purpose: 'rights',
      kept: fieldMessage('privacy.stored.privacy-links.kept', { hours: PRIVACY_REQUEST_TTL_MS / 3_600_000 }),
    },
    {
      what: fieldMessage('privacy.stored.privacy-requests'),
      category: 'technical',
      purpose: 'rights',
    },
  ],
  legalBases: { rights: ['legal-obligation'] },
  cookies: [privacyCookieUse],
  processors: [
    { role: 'hosting', why: 'keeps the requests and their links' },
    { role: 'mail', why: 'delivers the links' },
  ],
});
