import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** What delivery reports leave about an address. */
export const deliverabilityPrivacy = (): FeaturePrivacy => ({
  id: 'deliverability',
  name: 'bounces and complaints',
  forms: [],
  stores: [
    {
      what: fieldMessage('privacy.stored.delivery-reports'),
      category: 'technical',
      purpose: 'newsletter',
    },
  ],
  // Not mailing an address that refuses our mail, or whose owner called it spam, protects the
  // person and the site's ability to deliver mail at all.
  legalBases: { newsletter: ['legitimate-interests'] },
  cookies: [],
  processors: [{ role: 'mail', why: 'tells us when a message bounced or was reported as spam' }],
});
