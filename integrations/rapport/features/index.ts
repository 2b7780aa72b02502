import type { RapportFeature } from '../core/feature.ts';
import { accountsFeature } from './accounts/feature.ts';
import { careRemindersFeature } from './care-reminders/feature.ts';
import { cmsFeature } from './cms/feature.ts';
import { consoleFeature } from './console/feature.ts';
import { contactFeature } from './contact/feature.ts';
import { deliverabilityFeature } from './deliverability/feature.ts';
import { faqFeature } from './faq/feature.ts';
import { newsletterFeature } from './newsletter/feature.ts';
import { ordersFeature } from './orders/feature.ts';
import { pagesFeature } from './pages/feature.ts';
import { privacyFeature } from './privacy/feature.ts';
import { productsFeature } from './products/feature.ts';
import { reorderFeature } from './reorder/feature.ts';
import { searchFeature } from './search/feature.ts';
import { surveysFeature } from './surveys/feature.ts';
import { visitsFeature } from './visits/feature.ts';
import { winbackFeature } from './winback/feature.ts';
import { wishlistFeature } from './wishlist/feature.ts';

/**
 * Every feature, in order. A new feature is its folder plus one line here. The order is the
 * order of their after-build steps (search first: its files are compressed with the rest) and of
 * their declarations in the privacy statement (visitors' features before staff ones).
 */
export const FEATURES: readonly RapportFeature[] = [
  pagesFeature,
  productsFeature,
  searchFeature,
  ordersFeature,
  reorderFeature,
  wishlistFeature,
  newsletterFeature,
  deliverabilityFeature,
  accountsFeature,
  contactFeature,
  faqFeature,
  careRemindersFeature,
  cmsFeature,
  consoleFeature,
  visitsFeature,
  surveysFeature,
  winbackFeature,
  privacyFeature,
];
