import type { RapportConfig } from '../../config/schema.ts';
import type { FeaturePrivacy, StoredData } from '../../core/privacy/declaration.ts';
import { cartCookieUse } from './cart.ts';
import { catalogOf } from './catalog.ts';
import { cartForm } from './cart-form.ts';
import { ordersData } from './personal-data.ts';
import { orderForm } from './place-order.ts';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** One stand-in product, so the declared form has its quantity field (one per product on the real page). */
const ONE_PRODUCT = catalogOf([
  {
    sku: 'ANY',
    name: 'Any product',
    unit: 'each',
    priceCents: 100,
    currency: 'CAD',
    grams: 100,
    availability: 'in_stock',
    category: 'Any',
    path: '/',
    featured: false,
  },
]);

/** Orders, shipments and, when enabled, the one e-mail after delivery. */
export const ordersPrivacy = (config: RapportConfig): FeaturePrivacy => {
  const followUp = config.crm.orders.followUp;
  const afterSale: StoredData[] = followUp.enabled
    ? [
        {
          what:
            followUp.consent === 'express'
              ? fieldMessage('privacy.stored.follow-up-express')
              : fieldMessage('privacy.stored.follow-up-implied', { months: followUp.impliedConsentMonths }),
          category: 'consent',
          purpose: 'after-sale',
        },
      ]
    : [];
  return {
    id: 'orders',
    name: 'orders',
    // The cart's form collects nothing about the person (product codes and quantities), but it is a
    // form the server answers, so the statement lists it like every other.
    forms: [orderForm(config, ONE_PRODUCT), cartForm(config, ONE_PRODUCT) as unknown as FormDefinition],
    stores: [
      { what: fieldMessage('privacy.stored.order'), category: 'orders', purpose: 'orders' },
      { what: fieldMessage('privacy.stored.shipments'), category: 'orders', purpose: 'orders' },
      ...afterSale,
    ],
    legalBases: {
      orders: ['contract', 'legal-obligation'],
      ...(followUp.enabled ? { 'after-sale': [followUp.consent === 'express' ? 'consent' : 'legitimate-interests'] } : {}),
    },
    cookies: [cartCookieUse],
    processors: [
      { role: 'hosting', why: 'keeps your orders' },
      { role: 'mail', why: 'delivers the acknowledgement, status and shipping e-mails' },
      { role: 'carrier', why: 'delivers your parcel, so it needs your name, address and, if you gave one, phone number', for: ['orders'] },
    ],
    personal: ordersData(),
  };
};
