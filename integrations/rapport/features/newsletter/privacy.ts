import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy, StoredData } from '../../core/privacy/declaration.ts';
import { newsletterData } from './personal-data.ts';
import { preferencesForm } from './preferences.ts';
import { confirmForm, subscribeForm } from './subscribe.ts';
import { unsubscribeForm } from './unsubscribe.ts';

/**
 * What campaigns record about readers, read from the same options that turn the recording on
 * (`crm.campaigns`): the statement changes when the site's settings do, never separately.
 */
function campaignRecords(config: RapportConfig): { stores: StoredData[]; notCollected: string[] } {
  const { clicks, opens } = config.crm.campaigns;
  const perPerson = clicks === 'per-person';
  const stores: StoredData[] = [
    {
      what: 'Which newsletters we sent to your address and when, and whether your mail server accepted them',
      category: 'technical',
      purpose: 'newsletter',
    },
  ];
  if (perPerson) {
    stores.push({ what: 'Which links you clicked in our newsletters, and when', category: 'technical', purpose: 'newsletter' });
  }
  if (opens) {
    stores.push({
      what: perPerson
        ? 'When you opened a newsletter, learnt from a small image in it that your mail program loads (if it loads images)'
        : 'How many times a newsletter was opened, counted from a small image in it, without knowing who opened it',
      category: 'technical',
      purpose: 'newsletter',
    });
  }
  const notCollected: string[] = [];
  if (clicks === 'count') notCollected.push('Which links you click in our newsletters: we count clicks per link, without knowing who clicked');
  if (clicks === 'off') notCollected.push('Which links you click in our newsletters: links go straight to their page');
  if (!opens) notCollected.push('Whether you open our newsletters: they carry no tracking image');
  return { stores, notCollected };
}

/** The newsletter's sign-up, confirmation, preferences and unsubscribe, and what its campaigns record. */
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
    ...campaignRecords(config).stores,
  ],
  notCollected: campaignRecords(config).notCollected,
  legalBases: { newsletter: ['consent'] },
  cookies: [],
  processors: [
    { role: 'hosting', why: 'keeps the list of subscribers' },
    { role: 'mail', why: 'delivers the confirmation and every newsletter' },
  ],
  personal: newsletterData(),
});
