import type { Services } from '../../core/services.ts';
import type { Kysely } from 'kysely';
import type { RapportConfig } from '../../config/schema.ts';

import { composeMail } from '../../core/mail/compose.ts';
import { mailTranslator } from '../../core/mail/mail-language.ts';
import type { Translator } from '../../i18n/translate.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import type { Database, OrderStatus } from '../../core/store/schema.ts';
import { orderLink } from './order-mail.ts';
import { carrierLabel } from './order-words.ts';
import { carrierName, changeStatus, chooseCarrier, OrderError, type TrackingChoice } from './orders.ts';

/** What staff tools (the CLI, the console) need to change an order. */
export type StaffServices = Pick<Services, 'db' | 'config' | 'site' | 'secret' | 'clock'>;

async function customerOf(db: Kysely<Database>, number: string) {
  return db
    .selectFrom('orders')
    .innerJoin('contacts', 'contacts.id', 'orders.contact_id')
    .select(['contacts.email', 'contacts.name', 'contacts.language', 'orders.id'])
    .where('orders.number', '=', number)
    .executeTakeFirstOrThrow();
}

const footer = (config: RapportConfig, say: Translator) => mailFooter(config, say('mail.order.why'));

/** A tracking number that fits more than one carrier's format equally well: staff must say which. */
export class AmbiguousTrackingError extends OrderError {
  /** The carriers it could be, best first. */
  readonly carriers: string[];
  readonly number: string;
  constructor(number: string, carriers: string[]) {
    super(`${number} could be ${carriers.map((c) => carrierName(c)).join(' or ')}; say which with --carrier ${carriers.join('|')}.`);
    this.number = number;
    this.carriers = carriers;
  }
}

/**
 * Marks an order shipped with a tracking number: the carrier is detected from the number (or
 * given), the shipment stored, and the customer gets one e-mail with the tracking link, all in
 * one transaction. A number no carrier recognises is stored without a link, and the mail says so.
 */
export async function shipOrder(s: StaffServices, number: string, tracking: string, options: ShipOptions): Promise<Shipped> {
  return s.db.transaction().execute((trx) => shipOrderIn(trx, s, number, tracking, options));
}

export interface ShipOptions {
  carrier?: string | undefined;
  /** Who, for the order's history: `staff:<email>`. */
  actor: string;
}

/** The carrier chosen, and the status the order had before. */
export type Shipped = TrackingChoice & { from: OrderStatus };

/**
 * `shipOrder` inside the caller's transaction (with its audit entry). Throws `OrderError` for a
 * change the order cannot take; the caller's transaction then rolls back.
 */
export async function shipOrderIn(trx: Kysely<Database>, s: StaffServices, number: string, tracking: string, options: ShipOptions): Promise<Shipped> {
  const choice = chooseCarrier(tracking, options.carrier);
  if (choice.number.length < 8) throw new OrderError(`"${tracking}" is too short to be a tracking number.`);
  if (choice.alternatives.length > 0) throw new AmbiguousTrackingError(choice.number, [choice.carrier!, ...choice.alternatives]);
  const { id, from } = await changeStatus(
    trx,
    number,
    'shipped',
    options.actor,
    s.clock,
    `${choice.carrier ? carrierName(choice.carrier) : 'Carrier unknown'} ${choice.number}`,
  );
  await trx
    .insertInto('shipments')
    .values({
      id: crypto.randomUUID(),
      order_id: id,
      carrier: choice.carrier,
      tracking_number: choice.number,
      tracking_url: choice.url,
      confidence: choice.confidence,
      created_at: s.clock().toISOString(),
    })
    .execute();
  const customer = await customerOf(trx, number);
  // In the customer's language (the one they ordered in), with their order's page in it.
  const say = mailTranslator(s.config.site, customer);
  const carrier = carrierLabel(say, choice.carrier);
  await enqueueMail(
    trx,
    composeMail(
      {
        to: customer.email,
        subject: say('mail.order-shipped.subject', { number }),
        greeting: say('mail.greeting.named', { name: customer.name }),
        paragraphs: [
          choice.url
            ? say('mail.order-shipped.text', { number, carrier: carrier ?? '', tracking: choice.number })
            : say('mail.order-shipped.text-unknown', { number, tracking: choice.number }),
        ],
        ...(choice.url ? { action: { label: say('mail.order-shipped.track', { carrier: carrier ?? '' }), url: choice.url } } : {}),
        after: [say('mail.order-shipped.page', { url: orderLink(s, number, say) })],
        footer: footer(s.config, say),
        replyTo: staffAddress(s.config),
        accent: s.config.site.accentColor,
      },
      say,
    ),
    s.clock,
  );
  return { ...choice, from };
}

const STATUS_MAIL: Partial<Record<OrderStatus, 'mail.order-status.confirmed' | 'mail.order-status.cancelled'>> = {
  confirmed: 'mail.order-status.confirmed',
  cancelled: 'mail.order-status.cancelled',
};

/** The statuses staff set by hand (shipping has its own function). */
export type ManualStatus = Exclude<OrderStatus, 'received' | 'shipped'>;

export interface StatusOptions {
  /** Who, for the order's history: `staff:<email>`. */
  actor: string;
  /** Kept in the order's history; added to the customer's mail when there is one. */
  note?: string | undefined;
}

/**
 * Any other status change: confirmed, delivered, cancelled, returned. Delivery schedules the
 * after-sale e-mail (when the options have one); confirmation and cancellation tell the customer.
 */
export async function setOrderStatus(s: StaffServices, number: string, status: ManualStatus, options: StatusOptions): Promise<{ from: OrderStatus }> {
  return s.db.transaction().execute((trx) => setOrderStatusIn(trx, s, number, status, options));
}

/** `setOrderStatus` inside the caller's transaction (with its audit entry); throws `OrderError` for a change the order cannot take. */
export async function setOrderStatusIn(
  trx: Kysely<Database>,
  s: StaffServices,
  number: string,
  status: ManualStatus,
  options: StatusOptions,
): Promise<{ from: OrderStatus }> {
  const { id, from } = await changeStatus(trx, number, status, options.actor, s.clock, options.note);
  const followUp = s.config.crm.orders.followUp;
  if (status === 'delivered' && followUp.enabled) {
    const due = new Date(s.clock().getTime() + followUp.daysAfterDelivery * 86_400_000).toISOString();
    await trx.updateTable('orders').set({ follow_up_due_at: due }).where('id', '=', id).execute();
  }
  if (status === 'cancelled' || status === 'returned') await trx.updateTable('orders').set({ follow_up_due_at: null }).where('id', '=', id).execute();
  const text = STATUS_MAIL[status];
  if (!text) return { from };
  const customer = await customerOf(trx, number);
  const say = mailTranslator(s.config.site, customer);
  await enqueueMail(
    trx,
    composeMail(
      {
        to: customer.email,
        subject: say('mail.order-status.subject', { number, status }),
        greeting: say('mail.greeting.named', { name: customer.name }),
        // Staff's note goes as they wrote it.
        paragraphs: [say(text, { number }), ...(options.note ? [options.note] : [])],
        action: { label: say('mail.order-status.action'), url: orderLink(s, number, say) },
        footer: footer(s.config, say),
        replyTo: staffAddress(s.config),
        accent: s.config.site.accentColor,
      },
      say,
    ),
    s.clock,
  );
  return { from };
}
