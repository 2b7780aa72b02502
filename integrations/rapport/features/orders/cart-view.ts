import type { Kysely } from 'kysely';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import type { Clock } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { orderable, type Catalog } from './catalog.ts';
import type { CartLine } from './cart.ts';
import type { ShipTo } from './orders.ts';
import type { CatalogProduct } from './pricing.ts';

/** A cart line as the cart and order pages draw it. */
export interface CartViewLine {
  product: CatalogProduct;
  quantity: number;
  totalCents: number;
}

/** The cart's lines against the catalogue: products it no longer has, or that cannot be ordered now, left out (see `keepUnorderable`). */
export function cartView(
  lines: readonly CartLine[],
  catalog: Catalog,
  currency: string,
  /** Keep products that cannot be ordered now (a posted form drawn again with a message on them). */
  keepUnorderable = false,
): { lines: CartViewLine[]; goodsCents: number } {
  const view = lines.flatMap((l) => {
    const product = catalog.bySku.get(l.sku);
    return product && (keepUnorderable || orderable(product, currency)) ? [{ product, quantity: l.quantity, totalCents: product.priceCents * l.quantity }] : [];
  });
  return { lines: view, goodsCents: view.reduce((s, l) => s + l.totalCents, 0) };
}

/**
 * What the order form starts with for a signed-in customer: their name, e-mail and organisation,
 * and the delivery address of their last order. Nothing for anyone else.
 */
export async function signedInValues(
  db: Kysely<Database>,
  cookies: { get(name: string): { value: string } | undefined },
  clock: Clock,
): Promise<Record<string, string>> {
  const person = await sessionPerson(db, cookies.get(SESSION_COOKIE)?.value, clock);
  if (!person) return {};
  const last = await db
    .selectFrom('orders')
    .select('ship_to')
    .where('contact_id', '=', person.contactId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const to = last ? (JSON.parse(last.ship_to) as Partial<ShipTo>) : {};
  const address: Record<string, string | undefined> = {
    phone: to.phone,
    street: to.street,
    street2: to.street2,
    city: to.city,
    region: to.country && to.region ? `${to.country}-${to.region}` : undefined,
    postal: to.postal,
  };
  return Object.fromEntries(
    Object.entries({ name: person.name, email: person.email, organisation: person.organisation ?? undefined, ...address }).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '',
    ),
  );
}
