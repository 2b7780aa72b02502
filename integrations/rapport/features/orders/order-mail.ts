import type { Services } from '../../core/services.ts';
import type { RapportConfig } from '../../config/schema.ts';
import type { PaymentMethod } from '../../config/orders.ts';
import { siteLink } from '../../core/forms/endpoint.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import type { OutgoingMail } from '../../core/mail/outbox.ts';
import { formatMoney } from './pricing.ts';
import { postalAddressLines } from '../../internal/postal-address.ts';
import { orderKey, type ShipTo } from './orders.ts';

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

/** What the customer does to pay, in one or two sentences. */
export function paymentInstructions(
  config: RapportConfig,
  order: Pick<OrderSummary, 'number' | 'currency' | 'total_cents' | 'payment_method' | 'po_number'>,
): string {
  const total = formatMoney(order.total_cents, order.currency, config.site.locale);
  const a = config.business.address;
  switch (order.payment_method as PaymentMethod) {
    case 'invoice':
      return `We will e-mail an invoice for ${total} when your order ships; it is due within ${config.crm.orders.invoiceDays} days.`;
    case 'e-transfer':
      return `Please send an Interac e-Transfer of ${total} to ${config.business.email} and put your order number, ${order.number}, in the message. We ship once it arrives.`;
    case 'cheque':
      return `Please mail a cheque for ${total}, payable to ${config.business.legalName}, to ${a.streetAddress}, ${a.locality} ${a.region} ${a.postalCode}, with your order number, ${order.number}, on it. We ship once it arrives.`;
    case 'purchase-order':
      return `We will invoice ${total} against your purchase order${order.po_number ? ` ${order.po_number}` : ''}, due within ${config.crm.orders.invoiceDays} days.`;
    default:
      return '';
  }
}

/** The lines and totals as plain text (one entry per line), for mails. */
export function orderText(config: RapportConfig, o: OrderSummary): string {
  const money = (c: number) => formatMoney(c, o.currency, config.site.locale);
  return [
    ...o.lines.map((l) => `${l.quantity} × ${l.name} (${l.unit}) at ${money(l.unit_cents)}: ${money(l.total_cents)}`),
    '',
    `Goods: ${money(o.subtotal_cents)}`,
    `Shipping (${o.shippingLabel}): ${o.shipping_cents === 0 ? 'free' : money(o.shipping_cents)}`,
    ...o.taxes.map((t) => `${t.name} ${t.rate} %: ${money(t.cents)}`),
    `Total: ${money(o.total_cents)}`,
  ].join('\n');
}

/** The delivery address as the destination's post writes it; its country named when it is not `from` (where the business ships from). */
export function addressLines(shipTo: ShipTo, from: string): string[] {
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
  );
}

export const orderLink = (s: Pick<Services, 'site' | 'secret'>, number: string) => siteLink(s, `/orders/${number}`, { key: orderKey(s.secret, number) });

/** The acknowledgement the customer gets, in the order's own transaction. */
/**
 * The customer's acknowledgement. Without `name` (an address that has confirmed nothing) it
 * carries only our own words: the lines and totals, not the name and address the form was
 * filled in with, which the order's page shows behind its signed link.
 */
export function acknowledgementMail(s: Pick<Services, 'config' | 'site' | 'secret'>, to: string, name: string | undefined, o: OrderSummary): OutgoingMail {
  return composeMail({
    to,
    subject: `Order ${o.number} received`,
    greeting: name ? `Hello ${name},` : 'Hello,',
    paragraphs: [
      `Thank you for your order. We have it, and we will confirm it within one working day. Your order number is ${o.number}.`,
      orderText(s.config, o),
      paymentInstructions(s.config, o),
      ...(name
        ? [`We will ship to:\n${addressLines(o.shipTo, s.config.business.address.country).join('\n')}`]
        : ['The order’s page (button below) shows the delivery address.']),
    ],
    action: { label: 'See your order and its status', url: orderLink(s, o.number) },
    after: ['If something is wrong with the order, reply to this message and we will fix it before it ships.'],
    footer: mailFooter(s.config, 'You get this message because you ordered from our website.'),
    replyTo: staffAddress(s.config),
    accent: s.config.site.accentColor,
  });
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
      orderText(s.config, o),
    ],
    ...(note ? { quote: note } : {}),
    action: { label: 'Open the order', url: orderLink(s, o.number) },
    after: [`Mark it shipped: npx rapport orders ship ${o.number} <tracking number>`],
    footer: mailFooter(s.config, 'Sent by your website’s order form.'),
    replyTo: customer.email,
    accent: s.config.site.accentColor,
  });
}
