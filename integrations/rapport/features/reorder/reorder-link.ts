import { decodeCart, encodeCart, orderable, type Catalog, type CartLine } from '../orders/feature.ts';

/** A product and how many to put in the cart again. */
export type ReorderItem = CartLine;

/**
 * The `items` value of a reorder link (`/reorder?items=…`): the cart's own signed format
 * (`TUL-QON-10~2*DAF-TAT-20~1.<signature>`), so a link cannot be changed to put other products
 * or quantities in a cart, and it needs no row in the store. The link keeps working for as long
 * as the site's secret does; products no longer sold are left out when it is opened.
 */
export const reorderLink = (items: readonly ReorderItem[], secret: string) => encodeCart(items, secret);

/** The items of a link; none for anything unsigned or malformed. */
export const readReorderLink = (value: string | null | undefined, secret: string): ReorderItem[] => decodeCart(value ?? undefined, secret);

/** Items split into those that can be ordered now and the SKUs of those that cannot (gone from the catalogue, sold out, not sold online). */
export function reorderLines(items: readonly ReorderItem[], catalog: Catalog | undefined, currency: string) {
  const can: ReorderItem[] = [];
  const gone: string[] = [];
  for (const item of items) {
    const product = catalog?.bySku.get(item.sku);
    if (product && orderable(product, currency)) can.push(item);
    else gone.push(item.sku);
  }
  return { orderable: can, gone };
}

/**
 * The cart after a reorder link or an "order again" button: each item at least the quantity it
 * names (never added on top, so opening the link twice does not double the order), capped at `max`.
 */
export function filledCart(cart: readonly CartLine[], items: readonly ReorderItem[], max: number): CartLine[] {
  const next = cart.map((l) => ({ ...l }));
  for (const item of items) {
    const found = next.find((l) => l.sku === item.sku);
    if (found) found.quantity = Math.min(max, Math.max(found.quantity, item.quantity));
    else if (next.length < 60) next.push({ sku: item.sku, quantity: Math.min(max, item.quantity) });
  }
  return next;
}
