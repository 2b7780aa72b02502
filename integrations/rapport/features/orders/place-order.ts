import { recordActivity } from '../../core/store/timeline.ts';
import { z } from 'astro/zod';
import type { RapportConfig } from '../../config/schema.ts';
import { formKey, wordingHash, wordingLanguage, type FieldOption, type FormDefinition } from '../../core/forms/define-form.ts';
import { echoValues, limitedOutcome, waitText, type FormEndpoint, type FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, emailAddress, message, ONE_LINE, optionalLine, personName } from '../../core/forms/fields.ts';
import { groupParams, type FormValues } from '../../core/forms/read-form.ts';
import { enqueueMails } from '../../core/mail/outbox.ts';
import { mailPermission } from '../../core/mail/unsolicited.ts';
import { take } from '../../core/security/rate-limit.ts';
import { HONEYPOT_FIELD, TIME_TRAP_FIELD } from '../../core/security/spam-traps.ts';
import { appendConsent, upsertContact } from '../../core/store/contacts.ts';
import type { Catalog } from './catalog.ts';
import { CART_COOKIE, cartCookie } from './cart.ts';
import { acknowledgementMail, PAYMENT_LABELS, staffOrderMail, type OrderSummary } from './order-mail.ts';
import { newOrderNumber, orderKey, type ShipTo } from './orders.ts';
import { formatMoney, orderRules, priceOrder, quantityField, type Cart, type Quote } from './pricing.ts';
import { COUNTRIES, countryInSentence, type CountryCode } from '../../config/regions.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';

const addressLine = (title: string, max: number, autocomplete: string, empty: string) =>
  z
    .string()
    .trim()
    .min(1, empty)
    .max(max, `Use at most ${max} characters.`)
    .regex(ONE_LINE, 'Keep this on one line.')
    .meta({ title, autocomplete, ...collects('address') });

/** What the follow-up checkbox says (its hash goes in the consent ledger). */
export const FOLLOW_UP_WORDING = 'After delivery, e-mail me once with growing tips and bulbs that go well with these.';
export const FOLLOW_UP_PURPOSE = 'newsletter:after-sale';

/**
 * The order form: one quantity field per product in the catalogue (drawn by the order page as a
 * table), the shipping address, shipping option and payment method. Prices are never posted.
 */
export function orderForm(config: RapportConfig, catalog: Catalog | undefined) {
  // One definition per options and catalogue (a build): the schema has a field per product.
  const key = catalog ?? config;
  const cached = forms.get(key);
  if (cached?.config === config) return cached.form;
  const form = buildOrderForm(config, catalog);
  forms.set(key, { config, form });
  return form;
}
const forms = new WeakMap<object, { config: RapportConfig; form: ReturnType<typeof buildOrderForm> }>();

function buildOrderForm(config: RapportConfig, catalog: Catalog | undefined) {
  const orders = config.crm.orders;
  const max = orders.maxQuantity;
  const quantity = (title: string) =>
    z
      .string()
      .trim()
      .regex(/^\d{1,7}$/, `Enter a whole number from 0 to ${max}.`)
      .transform(Number)
      .refine((n) => n <= max, `You can order up to ${max} of one product here. For more, write to us.`)
      .meta({ title, widget: 'custom', ...collects('orders', { as: fieldMessage('privacy.field.quantities') }) })
      .optional();
  const rules = orderRules(orders, config.site.locale);
  const money = (c: number) => formatMoney(c, orders.currency, config.site.locale);
  const shippingOptions: FieldOption[] = rules.shipping.map((o) => {
    const from = Math.min(...o.rates.map((r) => r.baseCents));
    const free = o.rates.map((r) => r.freeOverCents).filter((c): c is number => c !== undefined);
    return { value: o.id, label: `${o.label}: from ${money(from)}${free.length ? `, free over ${money(Math.min(...free))}` : ''}`, description: o.description };
  });
  return {
    id: 'order',
    version: 1,
    action: '/order',
    purpose: 'orders',
    schema: z.strictObject({
      ...Object.fromEntries((catalog?.products ?? []).map((p) => [quantityField(p.sku), quantity(`${p.name}, ${p.unit}`)])),
      name: personName(),
      email: emailAddress(),
      phone: z
        .string()
        .trim()
        .max(30, 'Use at most 30 characters.')
        .regex(/^[0-9+()\-. x]*$/i, 'Use digits, spaces and + ( ) - only.')
        .meta({
          title: 'Phone (optional)',
          description: 'Only for the carrier, if they need to reach you.',
          autocomplete: 'tel',
          widget: 'tel',
          ...collects('contact'),
        })
        .optional(),
      organisation: optionalLine('Organisation (optional)', 120, 'identity', 'organization'),
      street: addressLine('Street address', 120, 'address-line1', 'Enter the street address.'),
      street2: optionalLine('Apartment, unit, rural route (optional)', 120, 'address', 'address-line2'),
      city: addressLine('City or town', 80, 'address-level2', 'Enter the city or town.'),
      // One choice for the destination ("Alberta, Canada"): its value carries the country, so
      // province and country cannot contradict each other.
      region: z
        .string()
        .regex(/^[A-Z]{2}-[A-Z]{2}$/, 'Choose a province or state.')
        .meta({ title: 'Province or state', autocomplete: 'address-level1', widget: 'select', ...collects('address') }),
      postal: addressLine('Postal or ZIP code', 12, 'postal-code', 'Enter the postal or ZIP code.'),
      // Not drawn: the destination implies it. Still taken from older pages and scripts; one that
      // contradicts the destination is refused on the destination.
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'Choose a country.')
        .meta({ title: 'Country', autocomplete: 'country', widget: 'custom', ...collects('address') })
        .optional(),
      shipping: z
        .enum(rules.shipping.map((o) => o.id) as [string, ...string[]], { message: 'Choose one of the shipping options.' })
        .meta({ title: 'Shipping', ...collects('orders', { as: fieldMessage('privacy.field.shipping') }) }),
      payment: z.enum(orders.payment, { message: 'Choose how you will pay.' }).meta({
        title: 'Payment',
        description: 'No card details are asked for: you pay after ordering.',
        ...collects('orders', { as: fieldMessage('privacy.field.payment') }),
      }),
      po_number: optionalLine('Purchase order number (if paying by purchase order)', 40, 'orders'),
      note: message('Notes for us (optional)', 1, 1000).optional(),
      ...(orders.followUp.enabled && orders.followUp.consent === 'express'
        ? {
            follow_up: z
              .literal('yes')
              .meta({ title: FOLLOW_UP_WORDING, ...collects('consent', { purpose: 'after-sale', as: fieldMessage('privacy.field.follow-up') }) })
              .optional(),
          }
        : {}),
      order_key: z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,64}$/, 'Reload the order page and send it again.')
        .meta({ widget: 'hidden', ...collects('none') }),
      step: z
        .enum(['review', 'place'])
        .optional()
        .meta({ widget: 'hidden', ...collects('none') }),
    }),
    options: {
      // Where the shop ships, grouped by country: "Alberta, Canada" … "Washington, United States".
      region: orders.shipsTo.flatMap(({ country: c, except }) =>
        Object.entries(COUNTRIES[c].regions)
          .filter(([code]) => !except.includes(code))
          .map(([code, name]) => ({ value: `${c}-${code}`, label: `${name}, ${COUNTRIES[c].name}`, group: COUNTRIES[c].name })),
      ),
      shipping: shippingOptions,
      payment: orders.payment.map((p) => ({ value: p, label: PAYMENT_LABELS[p] })),
    },
    defaults: { shipping: rules.shipping[0]!.id, payment: orders.payment[0]! },
    submit: 'Place my order',
  } satisfies FormDefinition;
}

type OrderData = z.infer<ReturnType<typeof orderForm>['schema']> & Record<string, unknown>;

/** The quantities posted, by SKU. */
function itemsOf(catalog: Catalog | undefined, data: Record<string, unknown>): Cart['items'] {
  return (catalog?.products ?? []).map((p) => ({ sku: p.sku, quantity: Number(data[quantityField(p.sku)] ?? 0) })).filter((i) => i.quantity > 0);
}

/** "Postal code" → "postal code", but "ZIP code" stays as it is. */
const inSentence = (label: string) => (/^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label);

/** Address checks that need two fields: the province belongs to the country, the postal code fits it. */
function addressErrors(data: { country?: string | undefined; region: string; postal: string }): Record<string, string> {
  const errors: Record<string, string> = {};
  const [regionCountry, region] = data.region.split('-') as [string, string];
  const code = data.country ?? regionCountry;
  const country = COUNTRIES[code as CountryCode] as (typeof COUNTRIES)[CountryCode] | undefined;
  if (!country) return errors; // pricing says where we ship
  if (regionCountry !== code || !(region in country.regions))
    errors.region = `Choose a ${country.regionLabel.toLowerCase()} in ${countryInSentence(country.name)}.`;
  if (!country.postal.test(data.postal)) errors.postal = `Enter a ${inSentence(country.postalLabel)} like ${country.postalExample}.`;
  return errors;
}

/** The country an order goes to: the one its destination names (a posted `country` is only checked against it). */
export const countryOf = (data: { country?: string | undefined; region?: string | undefined }) => data.country ?? data.region?.split('-')[0] ?? '';

const cartOf = (catalog: Catalog | undefined, data: OrderData): Cart => ({
  items: itemsOf(catalog, data),
  country: countryOf(data),
  region: data.region.split('-')[1] ?? '',
  shipping: data.shipping,
});

/** Messages on fields the page draws: the country is not drawn (the destination names it), so its message goes on the destination. */
function onDrawnFields(errors: Record<string, string>): Record<string, string> {
  if (!errors.country) return errors;
  const { country, ...rest } = errors;
  return { ...rest, region: rest.region ?? country };
}

/** The form's values to draw again: what was posted, quantities as typed. */
function echo(params: URLSearchParams): FormValues {
  const values: FormValues = {};
  for (const [k, v] of params) if (k !== HONEYPOT_FIELD && k !== TIME_TRAP_FIELD && k !== 'step') values[k] = v.slice(0, 2000);
  return values;
}

export interface OrderFormExtra {
  quote?: Quote | undefined;
}

/**
 * `/order`: "Update totals" prices the form and draws it again with the totals (no JavaScript
 * needed, nothing stored, no rate limit spent); "Place my order" stores the order, its lines,
 * its first status and both mails in one transaction, then answers `303` to the order's page.
 */
export const orderEndpoint: FormEndpoint = {
  path: '/order',
  decoy: '/order',
  form: (config, services) => orderForm(config, services?.catalog) as unknown as FormDefinition,
  dependsOn: (services) => services.catalog,
  async intercept(params, s) {
    const form = orderForm(s.config, s.catalog);
    const shape = form.schema.shape as Record<string, z.ZodType>;
    // A product the catalogue does not have is named; any other field the form does not have (a
    // total, a price) is dropped: the server prices every order itself.
    const unknownProducts: string[] = [];
    for (const [name, values] of groupParams(params)) {
      if (name in shape || name === HONEYPOT_FIELD || name === TIME_TRAP_FIELD) continue;
      if (name.startsWith('qty_') && values.some((v) => v.trim() !== '' && v.trim() !== '0')) unknownProducts.push(name.slice(4, 44));
      params.delete(name);
    }
    if (unknownProducts.length > 0) {
      const named = unknownProducts
        .slice(0, 5)
        .map((sku) => `“${sku}”`)
        .concat(unknownProducts.length > 5 ? [`${unknownProducts.length - 5} more`] : []);
      const message = `We have no product ${named.join(', ')} (any more). Reload the order page, check the quantities and send it again.`;
      return { kind: 'invalid', state: { form: 'order', values: echo(params), errors: { items: message }, message, status: 422 } };
    }
    if (params.get('step') !== 'review') return undefined;
    const errors: Record<string, string> = {};
    const data: Record<string, unknown> = {};
    // Only what the price depends on is checked here: quantities, destination, shipping.
    const priced = (name: string) => name.startsWith('qty_') || name === 'country' || name === 'region' || name === 'shipping';
    for (const [name, schema] of Object.entries(shape).filter(([n]) => priced(n))) {
      const raw = params.get(name) || undefined;
      const parsed = schema.safeParse(raw);
      if (parsed.success) data[name] = parsed.data;
      else errors[name] = parsed.error.issues[0]!.message;
    }
    const values = echo(params);
    if (Object.keys(errors).length === 0) {
      const result = priceOrder(orderRules(s.config.crm.orders, s.config.site.locale), s.catalog?.bySku ?? new Map(), cartOf(s.catalog, data as OrderData));
      if (result.ok) return { kind: 'invalid', state: { form: 'order', values, errors: {}, message: undefined, status: 200, extra: { quote: result.quote } } };
      Object.assign(errors, result.errors);
    }
    return {
      kind: 'invalid',
      state: {
        form: 'order',
        values,
        errors: onDrawnFields(errors),
        message: 'Some of the order needs a look before we can work out the totals.',
        status: 422,
      },
    };
  },
  async handle(raw, s, request) {
    const data = raw as OrderData;
    const config = s.config;
    const rules = orderRules(config.crm.orders, config.site.locale);
    const fail = (errors: Record<string, string>): FormOutcome => ({
      kind: 'invalid',
      state: { form: 'order', values: echoValues(data), errors: onDrawnFields(errors), message: 'Please correct the fields marked below.', status: 422 },
    });
    const errors = addressErrors(data);
    if (data.payment === 'purchase-order' && !data.po_number) errors.po_number = 'Enter your purchase order number, or choose another way to pay.';
    const priced = priceOrder(rules, s.catalog?.bySku ?? new Map(), cartOf(s.catalog, data));
    if (!priced.ok || Object.keys(errors).length > 0) return fail({ ...(priced.ok ? {} : priced.errors), ...errors });
    const quote = priced.quote;
    const [, region] = data.region.split('-') as [string, string];
    const shipTo: ShipTo = {
      name: data.name,
      organisation: data.organisation,
      phone: data.phone || undefined,
      street: data.street,
      street2: data.street2,
      city: data.city,
      region,
      postal: data.postal.toUpperCase().replace(/^([A-Z]\d[A-Z]) ?(\d[A-Z]\d)$/, '$1 $2'),
      country: countryOf(data),
    };
    const form = orderForm(config, s.catalog);
    // The language the order form was sent in: the customer's, for their mail; the follow-up wording's as shown.
    const shown = translator(config.site, request.locale);
    const result = await s.db
      .transaction()
      .execute(async (trx) => {
        // A form sent twice (a double click, a reload) makes one order: the first one's page.
        const existing = await trx.selectFrom('orders').select('number').where('form_key', '=', data.order_key).executeTakeFirst();
        if (existing) return { number: existing.number };
        const wait = await take(s.limits.messagesPerAddress, `order:${data.email.toLowerCase()}`, trx);
        if (wait > 0) return { wait };
        const contact = await upsertContact(
          trx,
          { email: data.email, name: data.name, organisation: data.organisation, kind: 'customer', language: shown.locale },
          s.clock,
        );
        // A purchase makes a prospect a customer; other kinds (a partner who orders) stay.
        if (contact.kind === 'prospect') await trx.updateTable('contacts').set({ kind: 'customer' }).where('id', '=', contact.id).execute();
        const now = s.clock();
        const id = crypto.randomUUID();
        const number = newOrderNumber(now);
        const inserted = await trx
          .insertInto('orders')
          .values({
            id,
            number,
            contact_id: contact.id,
            status: 'received',
            currency: quote.currency,
            subtotal_cents: quote.subtotalCents,
            shipping_cents: quote.shipping.cents,
            tax_cents: quote.taxCents,
            total_cents: quote.totalCents,
            taxes: JSON.stringify(quote.taxes),
            shipping_option: quote.shipping.id,
            ship_to: JSON.stringify(shipTo),
            payment_method: data.payment,
            po_number: data.po_number ?? null,
            note: data.note ?? null,
            form_key: data.order_key,
            follow_up_consent: data.follow_up === 'yes' ? 1 : 0,
            created_at: now.toISOString(),
            updated_at: now.toISOString(),
            delivered_at: null,
            follow_up_due_at: null,
            followed_up_at: null,
          })
          .onConflict((oc) => oc.column('form_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        // The same form, sent in parallel, committed first: this transaction rolls back.
        if (!inserted) throw new DuplicateOrder();
        await trx
          .insertInto('order_lines')
          .values(
            quote.lines.map((l, i) => ({
              id: crypto.randomUUID(),
              order_id: id,
              position: i + 1,
              sku: l.sku,
              name: l.name,
              unit: l.unit,
              quantity: l.quantity,
              unit_cents: l.unitCents,
              total_cents: l.totalCents,
            })),
          )
          .execute();
        await trx
          .insertInto('order_events')
          .values({ id: crypto.randomUUID(), order_id: id, status: 'received', note: null, actor: 'customer', created_at: now.toISOString() })
          .execute();
        await recordActivity(
          trx,
          {
            contactId: contact.id,
            type: 'order',
            summary: `Order ${number}: ${formatMoney(quote.totalCents, quote.currency, config.site.locale)}`,
            data: { number },
          },
          now,
        );
        if (data.follow_up === 'yes') {
          await appendConsent(
            trx,
            {
              contact_id: contact.id,
              purpose: FOLLOW_UP_PURPOSE,
              action: 'granted',
              form_id: formKey(form),
              wording_hash: wordingHash({ ...form, consent: FOLLOW_UP_WORDING }, shown),
              language: wordingLanguage({ ...form, consent: FOLLOW_UP_WORDING }, shown),
              policy_version: s.privacyVersion,
              source: `web:/order ${number}`,
            },
            s.clock,
          );
        }
        const summary: OrderSummary = {
          number,
          currency: quote.currency,
          lines: quote.lines.map((l) => ({ name: l.name, unit: l.unit, quantity: l.quantity, unit_cents: l.unitCents, total_cents: l.totalCents })),
          subtotal_cents: quote.subtotalCents,
          shipping_cents: quote.shipping.cents,
          shippingLabel: quote.shipping.label,
          taxes: quote.taxes,
          total_cents: quote.totalCents,
          payment_method: data.payment,
          po_number: data.po_number ?? null,
          shipTo,
        };
        const permission = await mailPermission(trx, s, contact);
        // The customer's acknowledgement (within the unsolicited-mail limit) and the staff's copy, in one statement.
        await enqueueMails(
          trx,
          [
            ...(permission === 'none' ? [] : [acknowledgementMail(s, contact.email, permission === 'confirmed' ? data.name : undefined, summary)]),
            staffOrderMail(s, { email: contact.email, name: data.name }, summary, data.note ?? null),
          ],
          s.clock,
        );
        return { number };
      })
      .catch(async (error: unknown) => {
        if (!(error instanceof DuplicateOrder)) throw error;
        const first = await s.db.selectFrom('orders').select('number').where('form_key', '=', data.order_key).executeTakeFirstOrThrow();
        return { number: first.number };
      });
    if ('wait' in result) {
      return limitedOutcome(
        'order',
        data,
        `You have sent several orders in a short time, and we have them all. To send this one too, wait ${waitText(result.wait ?? 60)}, or write to us.`,
      );
    }
    // The order holds what was in the cart now: the cart starts empty again.
    return {
      kind: 'redirect',
      location: `/orders/${result.number}?key=${orderKey(s.secret, result.number)}&placed=1`,
      cookies: request.cookies[CART_COOKIE] ? [cartCookie([], s.secret, request.secure)] : undefined,
    };
  },
};

class DuplicateOrder extends Error {}
