import type { TodayCounter } from '../../core/feature.ts';
import { outboxCounts } from '../../core/mail/outbox-admin.ts';

const DAY = 86_400_000;

/** New people this week, and mail that failed or is stuck: the console's own lines of the Today page. */
const today: TodayCounter = async (s) => {
  const since = new Date(s.clock().getTime() - 7 * DAY).toISOString();
  const [contacts, confirmed, mail] = await Promise.all([
    s.db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow(),
    s.db
      .selectFrom('list_subscriptions')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'confirmed')
      .where('confirmed_at', '>=', since)
      .executeTakeFirstOrThrow(),
    outboxCounts(s.db),
  ]);
  return [
    { label: 'New contacts in the last 7 days', count: Number(contacts.n), href: '/admin/crm/contacts/?sort=newest', permission: 'contacts' },
    {
      label: 'Sign-ups confirmed in the last 7 days',
      count: Number(confirmed.n),
      href: '/admin/crm/contacts/?consent=subscribed&sort=newest',
      permission: 'contacts',
    },
    { label: 'Mail that failed', count: mail.failed, href: '/admin/crm/mail?status=failed', attention: true, permission: 'mail' },
    { label: 'Mail being sent or waiting', count: mail.sending + mail.pending, href: '/admin/crm/mail?status=pending', permission: 'mail' },
  ];
};
export default today;
