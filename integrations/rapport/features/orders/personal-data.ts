import type { Kysely } from 'kysely';
import type { PersonalData, RetentionRule } from '../../core/privacy/personal-data.ts';
import type { Database } from '../../core/store/schema.ts';
import type { ShipTo } from './orders.ts';
import { fieldMessage } from '../../i18n/translate.ts';

/** One person's orders, as a subquery. */
const ordersOf = (db: Kysely<Database>, contactId: string) => db.selectFrom('orders').select('id').where('contact_id', '=', contactId);

/**
 * What an erased order keeps of its address: the province or state and the country, which decide
 * the tax charged (GST/HST by province, PST in some), so the record still shows why that tax.
 */
export function taxDestination(shipTo: string): string {
  let to: Partial<ShipTo> = {};
  try {
    to = JSON.parse(shipTo) as Partial<ShipTo>;
  } catch {
    // A damaged address keeps nothing.
  }
  return JSON.stringify({ region: to.region ?? '', country: to.country ?? '' });
}

/**
 * Orders whose tax year (the calendar year, UTC, they were placed in) ended more than the period
 * ago: deleted with their lines, status changes and shipments.
 */
export const expiredOrders: RetentionRule = {
  kind: 'orders',
  categories: ['orders', 'address'],
  from: fieldMessage('privacy.rule.orders.from'),
  then: fieldMessage('privacy.rule.deleted'),
  minimum: { period: { amount: 6, unit: 'years' }, why: 'Canadian tax law requires records of every sale for six years after the end of the tax year' },
  async enforce(db, due) {
    // A tax year Y ends on 1 January Y+1: it is due when that day is on or before the cutoff, so
    // every order placed before 1 January of the cutoff's year is.
    const before = `${due.cutoff.getUTCFullYear()}-01-01T00:00:00.000Z`;
    return db.transaction().execute(async (trx) => {
      const expired = trx.selectFrom('orders').select('id').where('created_at', '<', before);
      await trx.deleteFrom('order_lines').where('order_id', 'in', expired).execute();
      await trx.deleteFrom('order_events').where('order_id', 'in', expired).execute();
      await trx.deleteFrom('shipments').where('order_id', 'in', expired).execute();
      const deleted = await trx.deleteFrom('orders').where('created_at', '<', before).executeTakeFirst();
      return Number(deleted.numDeletedRows);
    });
  },
};

/** Orders, their lines, status changes and shipments. */
export const ordersData = (): PersonalData => ({
  tables: ['orders', 'order_lines', 'order_events', 'shipments'],
  async export(db, person) {
    const mine = ordersOf(db, person.contactId);
    return {
      orders: await db.selectFrom('orders').selectAll().where('contact_id', '=', person.contactId).orderBy('created_at').execute(),
      order_lines: await db.selectFrom('order_lines').selectAll().where('order_id', 'in', mine).orderBy('order_id').orderBy('position').execute(),
      order_events: await db.selectFrom('order_events').selectAll().where('order_id', 'in', mine).orderBy('created_at').orderBy('id').execute(),
      shipments: await db.selectFrom('shipments').selectAll().where('order_id', 'in', mine).orderBy('created_at').execute(),
    };
  },
  async erase(trx, person) {
    const mine = ordersOf(trx, person.contactId);
    // A tracking number leads back to the address on the parcel.
    await trx.deleteFrom('shipments').where('order_id', 'in', mine).execute();
    await trx.updateTable('order_events').set({ note: null }).where('order_id', 'in', mine).execute();
    const orders = await trx.selectFrom('orders').select(['id', 'ship_to']).where('contact_id', '=', person.contactId).execute();
    for (const order of orders) {
      await trx
        .updateTable('orders')
        .set({ ship_to: taxDestination(order.ship_to), po_number: null, note: null, follow_up_consent: 0, follow_up_due_at: null, followed_up_at: null })
        .where('id', '=', order.id)
        .execute();
    }
  },
  keeps: [
    {
      what: fieldMessage('privacy.keeps.orders.what'),
      why: fieldMessage('privacy.keeps.orders.why'),
    },
  ],
  retention: [expiredOrders],
});
