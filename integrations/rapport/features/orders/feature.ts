import { existsSync, readFileSync } from 'node:fs';
import { rename, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RapportFeature } from '../../core/feature.ts';
import { CATALOG_FILE, catalogOf, SERVER_CATALOG_FILE } from './catalog.ts';
import { ordersCommand } from './commands.ts';
import { sendDueFollowUps } from './follow-up.ts';
import { CART_COOKIE, cartCount } from './cart.ts';
import { cartEndpoint } from './cart-form.ts';
import { orderEndpoint } from './place-order.ts';
import type { CatalogProduct } from './pricing.ts';
import { ordersPrivacy } from './privacy.ts';

// Its public entry for other features: whether a product can be ordered (the product page's button).
export { orderable } from './catalog.ts';
// Reorder reminders (features/reorder): the cart's signed value, a product's words, co-purchase suggestions.
export { addToCart, CART_COOKIE, cartCookie, decodeCart, encodeCart, type CartLine } from './cart.ts';
export { lineIn, productIn, type Catalog } from './catalog.ts';
export { boughtTogether } from './follow-up.ts';
export type { CatalogProduct } from './pricing.ts';
// Reminders a customer sets (features/care-reminders): provinces and states named in the reader's language.
export { countryName, regionLabel } from './order-words.ts';

const route = (file: string) => fileURLToPath(new URL(`./routes/${file}`, import.meta.url));
const consoleFile = (file: string) => fileURLToPath(new URL(`./console/${file}`, import.meta.url));

/** Orders priced by the server, order pages, parcel tracking and the after-sale e-mail. */
export const ordersFeature: RapportFeature = {
  id: 'orders',
  enabled: ({ config }) => config.crm.orders.enabled,
  routes: () => [
    // The customer's pages in each locale: `/fr/cart`, `/fr/order`, `/fr/orders/<number>`, `/fr/track`.
    { pattern: '/cart', entrypoint: route('cart.astro'), private: true, localized: true },
    { pattern: '/order', entrypoint: route('order.astro'), private: true, localized: true },
    // The catalogue the server prices from: written by the build, then moved out of the public folder.
    { pattern: `/${CATALOG_FILE}`, entrypoint: route('catalog.json.ts'), private: true },
    { pattern: '/orders/[number]', entrypoint: route('[number].astro'), private: true, localized: true },
    { pattern: '/track', entrypoint: route('track.astro'), private: true, localized: true },
  ],
  forms: () => [cartEndpoint, orderEndpoint],
  // Staff's side: the list, one order's page with its actions, its packing slip and invoice, a CSV download.
  console: () => [
    {
      id: 'orders',
      label: 'Orders',
      path: '/admin/crm/orders/',
      order: 20,
      permission: 'orders',
      pages: [
        { pattern: '/admin/crm/orders', entrypoint: consoleFile('list.astro') },
        { pattern: '/admin/crm/orders/export.csv', entrypoint: consoleFile('export.csv.astro') },
        { pattern: '/admin/crm/orders/[number]', entrypoint: consoleFile('order.astro') },
        { pattern: '/admin/crm/orders/[number]/slip', entrypoint: consoleFile('slip.astro') },
      ],
      today: consoleFile('today.ts'),
    },
  ],
  accountSections: () => [{ id: 'orders', entrypoint: fileURLToPath(new URL('./account/OrdersSection.astro', import.meta.url)), order: 20 }],
  privacy: ({ config }) => [ordersPrivacy(config)],
  async afterBuild({ outDir, serverDir }) {
    const catalog = path.join(outDir, CATALOG_FILE);
    if (serverDir) await rename(catalog, path.join(serverDir, SERVER_CATALOG_FILE));
    else await rm(catalog, { force: true });
    await rmdir(path.dirname(catalog)).catch(() => undefined); // when nothing else is in it
  },
  runtime: async () => ({
    load(buildDir, s) {
      const file = path.join(buildDir, 'server', SERVER_CATALOG_FILE);
      s.catalog = existsSync(file) ? catalogOf((JSON.parse(readFileSync(file, 'utf8')) as { products: CatalogProduct[] }).products) : undefined;
      s.cartCount = (cookies) => cartCount(cookies.get(CART_COOKIE)?.value, s.secret, s.catalog);
    },
    // Under `astro dev` the catalogue is the dev server's own, current `/order/catalog.json`.
    async devRefresh(formPath, devOrigin, s) {
      if (formPath !== orderEndpoint.path && formPath !== cartEndpoint.path) return;
      const res = await fetch(`${devOrigin}/${CATALOG_FILE}`).catch(() => undefined);
      if (res?.ok) s.catalog = catalogOf(((await res.json()) as { products: CatalogProduct[] }).products);
    },
    jobs: [
      // After-sale e-mails that have come due (orders delivered some weeks ago).
      { name: 'after-sale e-mails', everyMs: 10 * 60_000, dev: false, run: (s) => sendDueFollowUps(s) },
    ],
    commands: [ordersCommand],
  }),
};
