import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';
import { careData } from './personal-data.ts';
import { careConfirmForm, careForm, careRemoveForm } from './requests.ts';

/**
 * Reminders a customer sets: the reminder (page, care date, province or state) and the address,
 * kept while it is set (removed by the customer from the mail or the account, or a year after its
 * page left the site); an unconfirmed request is deleted when its link expires.
 */
export const carePrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'care-reminders',
  name: 'care reminders',
  forms: [careForm(config), careConfirmForm(), careRemoveForm()],
  stores: [
    {
      what: fieldMessage('privacy.stored.care-reminders'),
      category: 'preferences',
      purpose: 'newsletter',
      kept: fieldMessage('privacy.stored.care-reminders.kept', { hours: config.crm.signupExpiryHours }),
    },
  ],
  legalBases: { newsletter: ['consent'] },
  cookies: [],
  processors: [{ role: 'mail', why: 'delivers the confirmation and each reminder on its date' }],
  personal: careData(),
});
