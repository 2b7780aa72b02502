import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { wishlistData } from './personal-data.ts';
import { notifyConfirmForm, notifyForm } from './requests.ts';
import { wishListForm } from './wish-list.ts';

/** The wish list (kept while the account exists) and the back-in-stock requests (until notified, a year at most). */
export const wishlistPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'wishlist',
  name: 'wish lists and back-in-stock notices',
  forms: [notifyForm(config), notifyConfirmForm(), wishListForm()],
  stores: [
    { what: fieldMessage('wishlist.privacy.wish-list'), category: 'preferences', purpose: 'account', kept: fieldMessage('wishlist.privacy.wish-list.kept') },
    {
      what: fieldMessage('wishlist.privacy.requests'),
      category: 'consent',
      purpose: 'newsletter',
      kept: fieldMessage('wishlist.privacy.requests.kept', { hours: config.crm.signupExpiryHours }),
    },
  ],
  legalBases: { account: ['contract'], newsletter: ['consent'] },
  cookies: [],
  processors: [{ role: 'mail', why: 'delivers the confirmation and the one e-mail when the product is available' }],
  personal: wishlistData(),
});
