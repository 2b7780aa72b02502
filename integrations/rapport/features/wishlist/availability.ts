import type { Services } from '../../core/services.ts';

/** A product of the live order catalogue (the orders feature's, on the services). */
export type Product = NonNullable<Services['catalog']>['products'][number];

/**
 * The consent-ledger purpose of the back-in-stock notice. Its unsubscribe link (list
 * `back-in-stock`) withdraws it, like the after-sale mail's withdraws `newsletter:after-sale`.
 */
export const BACK_IN_STOCK_LIST = 'back-in-stock';
export const BACK_IN_STOCK_PURPOSE = `newsletter:${BACK_IN_STOCK_LIST}`;

/**
 * A product someone can wait for: sold out or on pre-order. It is "available" (the notice goes
 * out) once it is in stock; back-order and pre-order still ship later, so they are not.
 */
export const waitingFor = (product: { availability: string }) => product.availability === 'out_of_stock' || product.availability === 'preorder';
export const availableNow = (product: { availability: string }) => product.availability === 'in_stock';

/** The product as a page or mail in `locale` names it: its translation's name, unit and page where it has one. */
export function productIn(product: Product, locale: string): Product {
  const words = product.translations?.[locale];
  return words ? { ...product, ...words } : product;
}
