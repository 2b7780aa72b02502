import type { CliCommand } from '../../core/feature.ts';
import { ORDER_STATUSES, type OrderStatus } from '../../core/store/schema.ts';
import { recordAudit } from '../../core/store/audit.ts';
import type { StaffServices } from './fulfil.ts';
import { carrierName, OrderError } from './orders.ts';
import { runStaffAction, type StaffActionDone, type StaffActionInput } from './staff-actions.ts';

/** One change from the terminal: the change and its audit entry (actor `cli`) in one transaction. */
const audited = (s: StaffServices, number: string, input: StaffActionInput, actor: string): Promise<StaffActionDone> =>
  s.db.transaction().execute(async (trx) => {
    const done = await runStaffAction(trx, s, number, input, actor);
    await recordAudit(trx, 'cli', done.audit, s.clock());
    return done;
  });

const STATUS_ACTIONS = { confirmed: 'confirm', delivered: 'deliver', cancelled: 'cancel', returned: 'return' } as const;

/** `npx rapport orders list|ship|status`: the staff side of orders from a terminal. */
export const ordersCommand: CliCommand = {
  group: 'orders',
  usage: `  npx rapport orders list [--status received|confirmed|shipped|delivered|cancelled|returned]
      Lists orders, newest first (50).
  npx rapport orders ship <number> <tracking number> [--carrier <id>]
      Marks an order shipped; the carrier is worked out from the number unless given. The
      customer gets one e-mail with the tracking link.
  npx rapport orders status <number> confirmed|delivered|cancelled|returned [--note "..."]
      Moves an order on. Confirmed and cancelled tell the customer; delivered schedules the
      after-sale e-mail.`,
  options: { carrier: { type: 'string' }, status: { type: 'string' }, note: { type: 'string' } },
  async run(command, args, values, env) {
    const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
    if (command === 'list') {
      const status = text('status');
      if (status && !(ORDER_STATUSES as readonly string[]).includes(status)) {
        console.error(`--status must be one of ${ORDER_STATUSES.join(', ')}.`);
        return 2;
      }
      let query = env.db
        .selectFrom('orders')
        .innerJoin('contacts', 'contacts.id', 'orders.contact_id')
        .select(['orders.number', 'orders.status', 'orders.total_cents', 'orders.currency', 'orders.created_at', 'contacts.email']);
      if (status) query = query.where('orders.status', '=', status as OrderStatus);
      const rows = await query.orderBy('orders.created_at', 'desc').limit(50).execute();
      for (const o of rows)
        console.log(
          `${o.number}  ${o.status.padEnd(9)}  ${(o.total_cents / 100).toFixed(2).padStart(10)} ${o.currency}  ${o.created_at.slice(0, 16).replace('T', ' ')}  ${o.email}`,
        );
      if (rows.length === 0) console.log('No orders.');
      return 0;
    }
    const services = env.services();
    const [number, arg] = args;
    if (!number || !arg) {
      console.error(env.usage);
      return 2;
    }
    const actor = `staff:${process.env.USER ?? 'cli'}`;
    try {
      if (command === 'ship') {
        const choice = (await audited(services, number, { action: 'ship', tracking: arg, carrier: text('carrier') }, actor)).shipped!;
        console.log(
          choice.url
            ? `Order ${number} is shipped with ${carrierName(choice.carrier)} (${choice.confidence === 'high' ? 'check digit matches' : choice.confidence === 'staff' ? 'as given' : 'format matches'}); the customer gets the tracking link:\n${choice.url}`
            : `Order ${number} is shipped. No carrier recognises ${choice.number}, so it is stored without a link and the customer is told so. Give the carrier with --carrier <id> to link it.`,
        );
        return 0;
      }
      if (command === 'status') {
        if (!Object.hasOwn(STATUS_ACTIONS, arg)) {
          console.error('The status must be confirmed, delivered, cancelled or returned (use "orders ship" for shipped).');
          return 2;
        }
        await audited(services, number, { action: STATUS_ACTIONS[arg as keyof typeof STATUS_ACTIONS], note: text('note') }, actor);
        console.log(`Order ${number} is ${arg}.`);
        return 0;
      }
    } catch (error) {
      if (error instanceof OrderError) {
        console.error(error.message);
        return 1;
      }
      throw error;
    }
    console.error(`Unknown command "orders ${command}".\n\n${env.usage}`);
    return 2;
  },
};
