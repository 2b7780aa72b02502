import type { RapportConfig } from '../../config/schema.ts';
import { serverPrivacy } from '../../core/security/privacy.ts';
import { accountsPrivacy } from '../accounts/privacy.ts';
import { cmsPrivacy } from '../cms/privacy.ts';
import { contactPrivacy } from '../contact/privacy.ts';
import { questionsPrivacy } from '../faq/privacy.ts';
import { newsletterPrivacy } from '../newsletter/privacy.ts';
import { ordersPrivacy } from '../orders/privacy.ts';
import type { FeaturePrivacy } from '../../core/privacy/declaration.ts';

/** The privacy declarations of every feature the options enable (the same switches that add their routes). */
export function enabledDeclarations(config: RapportConfig): FeaturePrivacy[] {
  const crm = config.crm;
  const features: FeaturePrivacy[] = [];
  if (crm.orders.enabled) features.push(ordersPrivacy(config));
  if (crm.subscribe) features.push(newsletterPrivacy(config));
  if (crm.accounts) features.push(accountsPrivacy(config));
  if (crm.contactForm) features.push(contactPrivacy());
  if (config.features.faq && crm.questions.enabled) features.push(questionsPrivacy(config));
  if (features.length > 0) features.push(serverPrivacy());
  if (config.cms.enabled && config.cms.backend.name === 'rapport') features.push(cmsPrivacy());
  return features;
}
