import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';
import { preferencesForm } from './preferences.ts';
import { confirmForm, subscribeForm } from './subscribe.ts';
import { unsubscribeForm } from './unsubscribe.ts';

/** The newsletter's sign-up, confirmation, preferences and unsubscribe. */
export const newsletterPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'newsletter',
  name: 'newsletter sign-up',
  forms: [subscribeForm(config), confirmForm(), preferencesForm(config), unsubscribeForm()],
  stores: [
    { what: 'The lists you subscribed to, when you confirmed, and when you unsubscribed', category: 'preferences', purpose: 'newsletter' },
    {
      what: 'A record of each consent you gave or withdrew: when, on which form, the exact wording you saw and the version of this statement',
      category: 'consent',
      purpose: 'newsletter',
    },
    {
      what: 'A sign-up that is never confirmed',
      category: 'contact',
      purpose: 'newsletter',
      kept: `deleted ${config.crm.signupExpiryHours} hours after the sign-up, with the address if we hold nothing else for it`,
    },
  ],
  legalBases: { newsletter: ['consent'] },
  cookies: [],
  processors: [
    { role: 'hosting', why: 'keeps the list of subscribers' },
    { role: 'mail', why: 'delivers the confirmation and every newsletter' },
  ],
});
