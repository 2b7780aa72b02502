import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Database, OrderStatus, OrdersTable } from '../../integrations/rapport/core/store/schema.ts';

export interface TestOrder {
  contactId: string;
  number: string;
  status: OrderStatus;
  /** Created (and last updated) at, ISO. */
  at: string;
  /** The goods; the total adds shipping and tax. */
  subtotalCents: number;
  shippingCents?: number;
  taxCents?: number;
  id?: string;
  paymentMethod?: string;
  shipTo?: Record<string, string>;
}

/** An order row as the order form would have left it, with only what a test cares about to say. */
export function orderRow(o: TestOrder): Insertable<OrdersTable> {
  const shipping = o.shippingCents ?? 0;
  const tax = o.taxCents ?? 0;
  return {
    id: o.id ?? randomUUID(),
    number: o.number,
    contact_id: o.contactId,
    status: o.status,
    currency: 'CAD',
    subtotal_cents: o.subtotalCents,
    shipping_cents: shipping,
    tax_cents: tax,
    total_cents: o.subtotalCents + shipping + tax,
    taxes: JSON.stringify(tax ? [{ name: 'GST', rate: 5000, cents: tax }] : []),
    shipping_option: 'standard',
    ship_to: JSON.stringify(o.shipTo ?? {}),
    payment_method: o.paymentMethod ?? 'e-transfer',
    po_number: null,
    note: null,
    form_key: randomUUID(),
    follow_up_consent: 0,
    created_at: o.at,
    updated_at: o.at,
    delivered_at: null,
    follow_up_due_at: null,
    followed_up_at: null,
  };
}

/** An order with one line (two packs of alliums) and its `received` event, as the order pages show it. */
export async function insertOrderWithLine(db: Kysely<Database>, o: TestOrder): Promise<string> {
  const row = orderRow(o);
  await db.insertInto('orders').values(row).execute();
  await db
    .insertInto('order_lines')
    .values({
      id: randomUUID(),
      order_id: row.id,
      position: 0,
      sku: 'ALL-GIG-3',
      name: 'Allium Giganteum',
      unit: '3 bulbs',
      quantity: 2,
      unit_cents: o.subtotalCents / 2,
      total_cents: o.subtotalCents,
    })
    .execute();
  await db
    .insertInto('order_events')
    .values({ id: randomUUID(), order_id: row.id, status: 'received', note: null, actor: 'customer', created_at: o.at })
    .execute();
  return o.number;
}
