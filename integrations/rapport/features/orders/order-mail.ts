import type { Services } from '../../core/services.ts';
import type { RapportConfig } from '../../config/schema.ts';
import type { PaymentMethod } from '../../config/orders.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailLink } from '../../core/mail/mail-language.ts';
import { greeting } from '../../core/mail/unsolicited.ts';
import { DEFAULT_TRANSLATOR, type Translator } from '../../i18n/translate.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import type { OutgoingMail } from '../../core/mail/outbox.ts';
import { formatMoney } from './pricing.ts';
import { postalAddressLines } from '../../internal/postal-address.ts';
import { orderKey, type ShipTo } from './orders.ts';
import { taxName, taxRate } from './order-words.ts';

/** The order as mails and pages describe it. */
export interface OrderSummary {
  number: string;
  currency: string;
  lines: Array<{ name: string; unit: string; quantity: number; unit_cents: number; total_cents: number }>;
  subtotal_cents: number;
  shipping_cents: number;
  shippingLabel: string;
  taxes: Array<{ name: string; rate: number; cents: number }>;
  total_cents: number;
  payment_method: string;
  po_number: string | null;
  shipTo: ShipTo;
}

export const PAYMENT_LABELS: Record<PaymentMethod, string> = {
  invoice: 'Invoice',
  'e-transfer': 'Interac e-Transfer',
  cheque: 'Cheque',
  'purchase-order': 'Purchase order',
};

/** What the customer does to pay, in one or two sentences (in `say`'s language). */
export function paymentInstructions(
  config: RapportConfig,
  order: Pick<OrderSummary, 'number' | 'currency' | 'total_cents' | 'payment_method' | 'po_number'>,
  say: Translator = DEFAULT_TRANSLATOR,
): string {
  const total = formatMoney(order.total_cents, order.currency, say.locale);
  const a = config.business.address;
  const days = config.crm.orders.invoiceDays;
  switch (order.payment_method as PaymentMethod) {
    case 'invoice':
      return say('orders.pay.invoice', { total, days });
    case 'e-transfer':
      return say('orders.pay.e-transfer', { total, email: config.business.email, number: order.number });
    case 'cheque':
      return say('orders.pay.cheque', {
        total,
        payee: config.business.legalName,
        address: `${a.streetAddress}, ${a.locality} ${a.region} ${a.postalCode}`,
        number: order.number,
      });
    case 'purchase-order':
      return order.po_number
        ? say('orders.pay.purchase-order-numbered', { total, po: order.po_number, days })
        : say('orders.pay.purchase-order', { total, days });
    default:
      return '';
  }
}

/** The lines and totals as plain text (one entry per line), for mails, in `say`'s language. */
export function orderText(o: OrderSummary, say: Translator = DEFAULT_TRANSLATOR): string {
  const money = (c: number) => formatMoney(c, o.currency, say.locale);
  return [
    ...o.lines.map((l) =>
      say('mail.order.line', { quantity: l.quantity, name: l.name, unit: l.unit, price: money(l.unit_cents), total: money(l.total_cents) }),
    ),
    '',
    say('mail.order.goods', { amount: money(o.subtotal_cents) }),
    say('mail.order.shipping', { label: o.shippingLabel, amount: o.shipping_cents === 0 ? say('mail.order.free') : money(o.shipping_cents) }),
    ...o.taxes.map((t) => say('mail.order.tax', { name: taxName(say, t.name), rate: taxRate(t.rate, say.locale), amount: money(t.cents) })),
    say('mail.order.total', { amount: money(o.total_cents) }),
  ].join('\n');
}

/**
 * The delivery address as the destination's post writes it; its country named when it is not
 * `from` (where the business ships from), in `locale`'s words (`ÉTATS-UNIS` on a French page).
 */
export function addressLines(shipTo: ShipTo, from: string, locale?: string): string[] {
  return postalAddressLines(
    {
      name: shipTo.name,
      organisation: shipTo.organisation,
      lines: [shipTo.street, shipTo.street2],
      locality: shipTo.city,
      region: shipTo.region,
      postalCode: shipTo.postal,
      country: shipTo.country,
    },
    from,
    locale,
  );
}

/** The order's page, signed, in `say`'s language (staff's copy: the default one). */
export const orderLink = (s: Pick<Services, 'site' | 'secret' | 'config'>, number: string, say: Translator = DEFAULT_TRANSLATOR) =>
  mailLink(s, say, `/orders/${number}`, { key: orderKey(s.secret, number) });

/**
 * The customer's acknowledgement, in the order's own transaction, in the customer's language
 * (`say`; the lines named as they ordered them). Without `name` (an address that has confirmed
 * nothing) it carries only our own words: the lines and totals, not the name and address the form
 * was filled in with, which the order's page shows behind its signed link.
 */
export function acknowledgementMail(
  s: Pick<Services, 'config' | 'site' | 'secret'>,
  to: string,
  name: string | undefined,
  o: OrderSummary,
  say: Translator = DEFAULT_TRANSLATOR,
): OutgoingMail {
  return composeMail(
    {
      to,
      subject: say('mail.order.subject', { number: o.number }),
      greeting: greeting(name ? 'confirmed' : 'none', name, say),
      paragraphs: [
        say('mail.order.thanks', { number: o.number }),
        orderText(o, say),
        paymentInstructions(s.config, o, say),
        name
          ? say('mail.order.ship-to', { address: addressLines(o.shipTo, s.config.business.address.country, say.locale).join('\n') })
          : say('mail.order.address-on-page'),
      ],
      action: { label: say('mail.order.action'), url: orderLink(s, o.number, say) },
      after: [say('mail.order.wrong')],
      footer: mailFooter(s.config, say('mail.order.why')),
      replyTo: staffAddress(s.config),
      accent: s.config.site.accentColor,
    },
    say,
  );
}

/** The staff's copy: everything needed to pack and invoice, answerable with Reply. */
export function staffOrderMail(
  s: Pick<Services, 'config' | 'site' | 'secret'>,
  customer: { email: string; name: string },
  o: OrderSummary,
  note: string | null,
): OutgoingMail {
  return composeMail({
    to: staffAddress(s.config),
    subject: `New order ${o.number} from ${customer.name}: ${formatMoney(o.total_cents, o.currency, s.config.site.locale)}`,
    paragraphs: [
      `From: ${customer.name} <${customer.email}>${o.shipTo.phone ? `, ${o.shipTo.phone}` : ''}`,
      `Ship to:\n${addressLines(o.shipTo, s.config.business.address.country).join('\n')}`,
      `Payment: ${PAYMENT_LABELS[o.payment_method as PaymentMethod] ?? o.payment_method}${o.po_number ? ` (PO ${o.po_number})` : ''}`,
      orderText(o),
    ],
    ...(note ? { quote: note } : {}),
    action: { label: 'Open the order', url: orderLink(s, o.number) },
    after: [`Mark it shipped: npx rapport orders ship ${o.number} <tracking number>`],
    footer: mailFooter(s.config, 'Sent by your website’s order form.'),
    replyTo: customer.email,
    accent: s.config.site.accentColor,
  });
}
