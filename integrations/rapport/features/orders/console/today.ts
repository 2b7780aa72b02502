import type { TodayCounter } from '../../../core/feature.ts';

const DAY = 86_400_000;

/** Orders waiting for staff (to confirm, to ship), and parcels sent this week: the orders lines of the Today page. */
const today: TodayCounter = async (s) => {
  const since = new Date(s.clock().getTime() - 7 * DAY).toISOString();
  const [waiting, shipped] = await Promise.all([
    s.db
      .selectFrom('orders')
      .select((eb) => ['status', eb.fn.countAll<number | string>().as('n')])
      .where('status', 'in', ['received', 'confirmed'])
      .groupBy('status')
      .execute(),
    // Orders with a parcel sent in the last 7 days, whatever became of them since.
    s.db
      .selectFrom('shipments')
      .select((eb) => eb.fn.count<number | string>('order_id').distinct().as('n'))
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow(),
  ]);
  const count = (status: string) => Number(waiting.find((w) => w.status === status)?.n ?? 0);
  return [
    { label: 'Orders waiting to be confirmed', count: count('received'), href: '/admin/crm/orders/?status=received', attention: true, permission: 'orders' },
    { label: 'Orders waiting to ship', count: count('confirmed'), href: '/admin/crm/orders/?status=confirmed', attention: true, permission: 'orders' },
    { label: 'Orders shipped in the last 7 days', count: Number(shipped.n), href: '/admin/crm/orders/?status=shipped', permission: 'orders' },
  ];
};
export default today;
