import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy, StoredData } from '../../core/privacy/declaration.ts';
import { newsletterData } from './personal-data.ts';
import { preferencesForm } from './preferences.ts';
import { confirmForm, subscribeForm } from './subscribe.ts';
import { unsubscribeForm } from './unsubscribe.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/**
 * What campaigns record about readers, read from the same options that turn the recording on
 * (`crm.campaigns`): the statement changes when the site's settings do, never separately.
 */
function campaignRecords(config: RapportConfig): { stores: StoredData[]; notCollected: string[] } {
  const { clicks, opens } = config.crm.campaigns;
  const perPerson = clicks === 'per-person';
  const stores: StoredData[] = [
    {
      what: fieldMessage('privacy.stored.newsletter-sends'),
      category: 'technical',
      purpose: 'newsletter',
    },
  ];
  if (perPerson) {
    stores.push({ what: fieldMessage('privacy.stored.newsletter-clicks'), category: 'technical', purpose: 'newsletter' });
  }
  if (opens) {
    stores.push({
      what: perPerson ? fieldMessage('privacy.stored.newsletter-opens') : fieldMessage('privacy.stored.newsletter-open-counts'),
      category: 'technical',
      purpose: 'newsletter',
    });
  }
  const notCollected: string[] = [];
  if (clicks === 'count') notCollected.push(fieldMessage('privacy.not-collected.clicks-counted'));
  if (clicks === 'off') notCollected.push(fieldMessage('privacy.not-collected.clicks-off'));
  if (!opens) notCollected.push(fieldMessage('privacy.not-collected.opens'));
  return { stores, notCollected };
}

/** The newsletter's sign-up, confirmation, preferences and unsubscribe, and what its campaigns record. */
export const newsletterPrivacy = (config: RapportConfig): FeaturePrivacy => ({
  id: 'newsletter',
  name: 'newsletter sign-up',
  forms: [subscribeForm(config), confirmForm(), preferencesForm(config), unsubscribeForm()],
  stores: [
    { what: fieldMessage('privacy.stored.lists'), category: 'preferences', purpose: 'newsletter' },
    {
      what: fieldMessage('privacy.stored.consents'),
      category: 'consent',
      purpose: 'newsletter',
    },
    {
      what: fieldMessage('privacy.stored.unconfirmed'),
      category: 'contact',
      purpose: 'newsletter',
      kept: fieldMessage('privacy.stored.unconfirmed.kept', { hours: config.crm.signupExpiryHours }),
    },
    ...campaignRecords(config).stores,
    // Staff may send an issue to one customer segment's subscribers (the console's segments, from orders).
    ...(config.crm.orders.enabled && config.crm.accounts
      ? [
          {
            what: fieldMessage('privacy.stored.newsletter-segments'),
            category: 'orders' as const,
            purpose: 'newsletter' as const,
            kept: fieldMessage('privacy.stored.newsletter-segments.kept'),
          },
        ]
      : []),
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
