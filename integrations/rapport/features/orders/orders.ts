import { HttpError } from '../../core/errors.ts';
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/store/contacts.ts';
import type { Database, OrderStatus } from '../../core/store/schema.ts';
import { detectCarrier, normalizeTracking, CARRIERS } from './carriers.ts';

/** A readable order number: the date and six characters without look-alikes (`261125-7K3QDF`). */
export function newOrderNumber(now: Date): string {
  const alphabet = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
  const date = now.toISOString().slice(2, 10).replaceAll('-', '');
  let tail = '';
  for (let i = 0; i < 6; i++) tail += alphabet[randomInt(alphabet.length)];
  return `${date}-${tail}`;
}

export const ORDER_NUMBER = /^\d{6}-[2-9A-HJ-KMNP-TV-Z]{6}$/;

/** The key in an order's link (`/orders/<number>?key=`): an HMAC of the number, so links need no table. */
export function orderKey(secret: string, number: string): string {
  return createHmac('sha256', secret).update(`order:${number}`).digest('base64url').slice(0, 32);
}

export function orderKeyMatches(secret: string, number: string, key: string | null | undefined): boolean {
  if (!key || key.length !== 32) return false;
  return timingSafeEqual(Buffer.from(orderKey(secret, number)), Buffer.from(key));
}

/** Everything the status page, the account page and mails show about an order. */
export async function loadOrder(db: Kysely<Database>, number: string) {
  if (!ORDER_NUMBER.test(number)) return undefined;
  const order = await db
    .selectFrom('orders')
    .innerJoin('contacts', 'contacts.id', 'orders.contact_id')
    .selectAll('orders')
    .select(['contacts.email', 'contacts.name'])
    .where('orders.number', '=', number)
    .executeTakeFirst();
  if (!order) return undefined;
  const [lines, events, shipments] = await Promise.all([
    db.selectFrom('order_lines').selectAll().where('order_id', '=', order.id).orderBy('position').execute(),
    db.selectFrom('order_events').selectAll().where('order_id', '=', order.id).orderBy('created_at').orderBy('id').execute(),
    db.selectFrom('shipments').selectAll().where('order_id', '=', order.id).orderBy('created_at').execute(),
  ]);
  return {
    ...order,
    shipTo: JSON.parse(order.ship_to) as ShipTo,
    taxList: JSON.parse(order.taxes) as Array<{ name: string; rate: number; cents: number }>,
    lines,
    events,
    shipments,
  };
}
export type LoadedOrder = NonNullable<Awaited<ReturnType<typeof loadOrder>>>;

export interface ShipTo {
  name: string;
  organisation?: string | undefined;
  phone?: string | undefined;
  street: string;
  street2?: string | undefined;
  city: string;
  region: string;
  postal: string;
  country: string;
}

/** Which status may follow which. `shipped` may repeat (a second parcel). */
export const NEXT_STATUSES: Record<OrderStatus, OrderStatus[]> = {
  received: ['confirmed', 'shipped', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: ['shipped', 'delivered', 'returned'],
  delivered: ['returned'],
  cancelled: [],
  returned: [],
};

export const STATUS_LABELS: Record<OrderStatus, string> = {
  received: 'Received',
  confirmed: 'Confirmed',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
};

/** A change an order cannot take (unknown order, a status that cannot follow, a race): 409 with a message for staff. */
export class OrderError extends HttpError {
  override readonly name = 'OrderError';
  constructor(message: string) {
    super(409, message);
  }
}

/**
 * Moves an order to `status` if its current status allows it; records the event. Returns the
 * status it had. Run inside a transaction with whatever else the change does (mail, shipment).
 */
export async function changeStatus(
  trx: Kysely<Database>,
  number: string,
  status: OrderStatus,
  actor: string,
  clock: Clock,
  note?: string,
): Promise<{ id: string; from: OrderStatus }> {
  const order = await trx.selectFrom('orders').select(['id', 'status']).where('number', '=', number).executeTakeFirst();
  if (!order) throw new OrderError(`There is no order ${number}.`);
  if (!NEXT_STATUSES[order.status].includes(status))
    throw new OrderError(`Order ${number} is ${order.status}; it cannot become ${status} (next: ${NEXT_STATUSES[order.status].join(', ') || 'none'}).`);
  const now = clock().toISOString();
  // Conditional on the status read, so two staff changing one order at once cannot both win.
  const updated = await trx
    .updateTable('orders')
    .set({ status, updated_at: now, ...(status === 'delivered' ? { delivered_at: now } : {}) })
    .where('id', '=', order.id)
    .where('status', '=', order.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new OrderError(`Order ${number} changed meanwhile; try again.`);
  await trx
    .insertInto('order_events')
    .values({ id: crypto.randomUUID(), order_id: order.id, status, note: note ?? null, actor, created_at: now })
    .execute();
  return { id: order.id, from: order.status };
}

export interface TrackingChoice {
  carrier: string | null;
  url: string | null;
  confidence: 'high' | 'medium' | 'staff' | 'none';
  number: string;
  /** Other carriers the number could belong to, when it is ambiguous. */
  alternatives: string[];
}

/**
 * The carrier and tracking link for a number: the one `carrierId` names, else the detected one.
 * A number no carrier recognises is kept, without a link.
 */
export function chooseCarrier(input: string, carrierId?: string): TrackingChoice {
  const number = normalizeTracking(input);
  if (carrierId) {
    const carrier = CARRIERS.find((c) => c.id === carrierId);
    if (!carrier) throw new OrderError(`Unknown carrier "${carrierId}". Known: ${CARRIERS.map((c) => c.id).join(', ')}.`);
    return { carrier: carrier.id, url: carrier.url.replace('{number}', encodeURIComponent(number)), confidence: 'staff', number, alternatives: [] };
  }
  const found = detectCarrier(number);
  const best = found[0];
  if (!best) return { carrier: null, url: null, confidence: 'none', number, alternatives: [] };
  const tied = found.filter((f) => f.confidence === best.confidence);
  return { carrier: best.carrier.id, url: best.url, confidence: best.confidence, number, alternatives: tied.slice(1).map((f) => f.carrier.id) };
}

export const carrierName = (id: string | null) => CARRIERS.find((c) => c.id === id)?.name;
