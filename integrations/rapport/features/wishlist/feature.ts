import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { dropOldRequests, sendBackInStockNotices } from './notices.ts';
import { wishlistPrivacy } from './privacy.ts';
import { notifyConfirmEndpoint, notifyEndpoint } from './requests.ts';
import { wishlistResultPages } from './result-pages.ts';
import { wishListEndpoint } from './wish-list.ts';

const file = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url));

/**
 * Wish lists on the account page and "tell me when it is available" on sold-out and pre-order
 * products, with the one e-mail a publish that puts the product in stock sends. Part of orders:
 * it waits for products the order catalogue has.
 */
export const wishlistFeature: RapportFeature = {
  id: 'wishlist',
  enabled: ({ config, server }) => server && config.crm.orders.enabled,
  routes: ({ config }) => [
    // The pages a post that needs its messages comes back to, and the confirmation link's page, in each locale.
    { pattern: '/products/notify', entrypoint: file('routes/notify.astro'), private: true, localized: true },
    { pattern: '/products/notify/confirm', entrypoint: file('routes/notify-confirm.astro'), private: true, localized: true },
    ...(config.crm.accounts ? [{ pattern: '/wishlist', entrypoint: file('routes/wishlist.astro'), private: true, localized: true }] : []),
  ],
  forms: ({ config }) => [notifyEndpoint, notifyConfirmEndpoint, ...(config.crm.accounts ? [wishListEndpoint] : [])],
  resultPages: ({ config }, say) => wishlistResultPages(config, say),
  accountSections: ({ config }) => (config.crm.accounts ? [{ id: 'wish-list', entrypoint: file('account/WishListSection.astro'), order: 25 }] : []),
  privacy: ({ config }) => [wishlistPrivacy(config)],
  runtime: async () => ({
    // A publish that put a product in stock: the waiting are mailed now rather than at the next round.
    async published(_buildDir, s) {
      await sendBackInStockNotices(s);
    },
    afterAccepted: (formPath) => (formPath === notifyConfirmEndpoint.path || formPath === notifyEndpoint.path ? ['back-in-stock e-mails'] : []),
    jobs: [
      { name: 'back-in-stock e-mails', everyMs: 10 * 60_000, dev: false, run: (s) => sendBackInStockNotices(s) },
      { name: 'expired back-in-stock requests', everyMs: 60 * 60_000, dev: false, run: (s) => dropOldRequests(s) },
    ],
  }),
};
