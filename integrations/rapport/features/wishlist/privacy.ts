import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy, StoredData } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { wishlistData } from './personal-data.ts';
import { notifyConfirmForm, notifyForm } from './requests.ts';
import { wishListForm } from './wish-list.ts';

/** The wish list (kept while the account exists) and the back-in-stock requests (until notified, a year at most). */
export function wishlistPrivacy(config: RapportConfig): FeaturePrivacy {
  // The wish list belongs to an account: without accounts there is none to declare.
  const wishList: StoredData[] = config.crm.accounts
    ? [{ what: fieldMessage('wishlist.privacy.wish-list'), category: 'preferences', purpose: 'account', kept: fieldMessage('wishlist.privacy.wish-list.kept') }]
    : [];
  return {
    id: 'wishlist',
    name: 'wish lists and back-in-stock notices',
    forms: [notifyForm(config), notifyConfirmForm(), ...(config.crm.accounts ? [wishListForm()] : [])],
    stores: [
      ...wishList,
      {
        what: fieldMessage('wishlist.privacy.requests'),
        category: 'consent',
        purpose: 'newsletter',
        kept: fieldMessage('wishlist.privacy.requests.kept', { hours: config.crm.signupExpiryHours }),
      },
    ],
    legalBases: config.crm.accounts ? { account: ['contract'], newsletter: ['consent'] } : { newsletter: ['consent'] },
    cookies: [],
    processors: [{ role: 'mail', why: 'delivers the confirmation and the one e-mail when the product is available' }],
    personal: wishlistData(),
  };
}
