import { createHmac, timingSafeEqual } from 'node:crypto';
import { stringifySetCookie } from 'cookie';
import type { CookieUse } from '../../core/privacy/declaration.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/**
 * The cart: product SKUs and quantities in one signed cookie, so it works without JavaScript and
 * without a store row per visitor. Prices are never in it (the server prices every order), and a
 * SKU the catalogue no longer has is simply dropped when the cart is read against it.
 */
export const CART_COOKIE = 'rapport_cart';
export const CART_DAYS = 7;
/** Lines a cart holds at most: keeps the cookie far under the 4 KB browsers allow. */
export const CART_MAX_LINES = 60;

export interface CartLine {
  sku: string;
  quantity: number;
}

const SKU = /^[A-Z0-9][A-Z0-9-]{2,31}$/;
const LINE = /^([A-Z0-9][A-Z0-9-]{2,31})~(\d{1,5})$/;

/** The cookie as the privacy statement lists it: strictly necessary, since the visitor filled the cart. */
export const cartCookieUse: CookieUse = {
  name: CART_COOKIE,
  why: fieldMessage('privacy.cookie.cart.why'),
  lasts: fieldMessage('privacy.cookie.cart.lasts', { days: CART_DAYS }),
  necessary: true,
};

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(`cart:${payload}`).digest('base64url').slice(0, 22);

/** `LIL-MAR-3~2*TUL-QON-10~1.<signature>`: only cookie-safe characters, so nothing is escaped. */
export function encodeCart(lines: readonly CartLine[], secret: string): string {
  const payload = lines.map((l) => `${l.sku}~${l.quantity}`).join('*');
  return `${payload}.${sign(payload, secret)}`;
}

/** The lines of a cookie value; an empty cart for anything unsigned, malformed or oversized. */
export function decodeCart(value: string | undefined, secret: string): CartLine[] {
  if (!value || value.length > 3000) return [];
  const dot = value.lastIndexOf('.');
  if (dot < 0) return [];
  const payload = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(sign(payload, secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
  if (payload === '') return [];
  const lines: CartLine[] = [];
  for (const part of payload.split('*').slice(0, CART_MAX_LINES)) {
    const match = LINE.exec(part);
    if (!match || lines.some((l) => l.sku === match[1])) continue;
    const quantity = Number(match[2]);
    if (quantity > 0) lines.push({ sku: match[1]!, quantity });
  }
  return lines;
}

/** `Set-Cookie` for the cart; an empty cart clears the cookie. */
export function cartCookie(lines: readonly CartLine[], secret: string, secure: boolean): string {
  const empty = lines.length === 0;
  return stringifySetCookie({
    name: CART_COOKIE,
    value: empty ? '' : encodeCart(lines, secret),
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: empty ? 0 : CART_DAYS * 86_400,
  });
}

export const isSku = (value: string) => SKU.test(value);

/** Adds `quantity` of a product (more of one already there), capped at `max`. */
export function addToCart(lines: readonly CartLine[], sku: string, quantity: number, max: number): CartLine[] {
  const found = lines.find((l) => l.sku === sku);
  if (found) return lines.map((l) => (l.sku === sku ? { sku, quantity: Math.min(max, l.quantity + quantity) } : l));
  if (lines.length >= CART_MAX_LINES) return [...lines];
  return [...lines, { sku, quantity: Math.min(max, quantity) }];
}

/** Sets each listed product's quantity; 0 takes it out. Products not listed keep theirs. */
export function setQuantities(lines: readonly CartLine[], quantities: ReadonlyMap<string, number>): CartLine[] {
  return lines.map((l) => ({ sku: l.sku, quantity: quantities.get(l.sku) ?? l.quantity })).filter((l) => l.quantity > 0);
}

export const removeFromCart = (lines: readonly CartLine[], sku: string): CartLine[] => lines.filter((l) => l.sku !== sku);

/** Items in the visitor's cart (quantities added up); products the catalogue no longer has are not counted. */
export function cartCount(value: string | undefined, secret: string, catalog?: { bySku: ReadonlyMap<string, unknown> }): number {
  return decodeCart(value, secret).reduce((n, l) => (!catalog || catalog.bySku.has(l.sku) ? n + l.quantity : n), 0);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Rapport {
    interface FeatureServices {
      /** How many items the cart cookie among these holds: the site header's "Your order (n)" on server-rendered pages. */
      cartCount?: ((cookies: { get(name: string): { value: string } | undefined }) => number) | undefined;
    }
  }
}
