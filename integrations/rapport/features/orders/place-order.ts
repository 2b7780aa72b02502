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
import { productIn, productsIn, type Catalog } from './catalog.ts';
import { CART_COOKIE, cartCookie } from './cart.ts';
import { acknowledgementMail, staffOrderMail, type OrderSummary } from './order-mail.ts';
import { countryName, paymentOptions, pricingWords, regionLabel } from './order-words.ts';
import { newOrderNumber, orderKey, type ShipTo } from './orders.ts';
import { formatMoney, orderRules, priceOrder, quantityField, type Cart, type Quote } from './pricing.ts';
import { COUNTRIES, type CountryCode } from '../../config/regions.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';

const addressLine = (title: string, max: number, autocomplete: string, empty: string) =>
  z
    .string()
    .trim()
    .min(1, empty)
    .max(max, fieldMessage('field.line.too-long', { max }))
    .regex(ONE_LINE, fieldMessage('field.line.one-line'))
    .meta({ title, autocomplete, ...collects('address') });

/** What the follow-up checkbox says (its hash, of the wording in the language shown, goes in the consent ledger). */
export const FOLLOW_UP_WORDING = fieldMessage('orders.follow-up.consent');
export const FOLLOW_UP_PURPOSE = 'newsletter:after-sale';

/**
 * The order form: one quantity field per product in the catalogue (drawn by the order page as a
 * table), the shipping address, shipping option and payment method. Prices are never posted.
 * Its product names and shipping choices are in `locale` (the page's); the default locale's is the
 * one the server reads posts with. Field labels and messages are said in the page's language.
 */
export function orderForm(config: RapportConfig, catalog: Catalog | undefined, locale: string = config.site.locale) {
  // One definition per options, catalogue (a build) and locale: the schema has a field per product.
  const key = catalog ?? config;
  const cached = forms.get(key)?.get(locale);
  if (cached?.config === config) return cached.form;
  const form = buildOrderForm(config, catalog, locale);
  const byLocale = forms.get(key) ?? new Map<string, { config: RapportConfig; form: ReturnType<typeof buildOrderForm> }>();
  forms.set(key, byLocale.set(locale, { config, form }));
  return form;
}
const forms = new WeakMap<object, Map<string, { config: RapportConfig; form: ReturnType<typeof buildOrderForm> }>>();

function buildOrderForm(config: RapportConfig, catalog: Catalog | undefined, locale: string) {
  const orders = config.crm.orders;
  const max = orders.maxQuantity;
  // Field labels and messages are catalogue texts, said on reading in the page's language (the
  // privacy statement lists them in its own); product names and shipping choices are written in
  // the form's language, which is why there is a form per locale.
  const say = translator(config.site, locale);
  const quantity = (title: string) =>
    z
      .string()
      .trim()
      .regex(/^\d{1,7}$/, fieldMessage('orders.field.quantity.invalid', { max }))
      .transform(Number)
      .refine((n) => n <= max, fieldMessage('orders.field.quantity.too-many', { max }))
      .meta({ title, widget: 'custom', ...collects('orders', { as: fieldMessage('privacy.field.quantities') }) })
      .optional();
  const rules = orderRules(orders, locale);
  const money = (c: number) => formatMoney(c, orders.currency, locale);
  const shippingOptions: FieldOption[] = rules.shipping.map((o) => {
    const from = money(Math.min(...o.rates.map((r) => r.baseCents)));
    const free = o.rates.map((r) => r.freeOverCents).filter((c): c is number => c !== undefined);
    return {
      value: o.id,
      label: free.length
        ? say('orders.field.shipping.option-free', { label: o.label, from, free: money(Math.min(...free)) })
        : say('orders.field.shipping.option', { label: o.label, from }),
      description: o.description,
    };
  });
  return {
    id: 'order',
    version: 1,
    action: '/order',
    purpose: 'orders',
    schema: z.strictObject({
      ...Object.fromEntries(
        (catalog?.products ?? []).map((p) => {
          const named = productIn(p, locale);
          return [quantityField(p.sku), quantity(`${named.name}, ${named.unit}`)];
        }),
      ),
      name: personName(),
      email: emailAddress(),
      phone: z
        .string()
        .trim()
        .max(30, fieldMessage('field.line.too-long', { max: 30 }))
        .regex(/^[0-9+()\-. x]*$/i, fieldMessage('orders.field.phone.invalid'))
        .meta({
          title: fieldMessage('orders.field.phone'),
          description: fieldMessage('orders.field.phone.hint'),
          autocomplete: 'tel',
          widget: 'tel',
          ...collects('contact'),
        })
        .optional(),
      organisation: optionalLine(fieldMessage('orders.field.organisation'), 120, 'identity', 'organization'),
      street: addressLine(fieldMessage('orders.field.street'), 120, 'address-line1', fieldMessage('orders.field.street.missing')),
      street2: optionalLine(fieldMessage('orders.field.street2'), 120, 'address', 'address-line2'),
      city: addressLine(fieldMessage('orders.field.city'), 80, 'address-level2', fieldMessage('orders.field.city.missing')),
      // One choice for the destination ("Alberta, Canada"): its value carries the country, so
      // province and country cannot contradict each other.
      region: z
        .string()
        .regex(/^[A-Z]{2}-[A-Z]{2}$/, fieldMessage('orders.field.region.invalid'))
        .meta({ title: fieldMessage('orders.field.region'), autocomplete: 'address-level1', widget: 'select', ...collects('address') }),
      postal: addressLine(fieldMessage('orders.field.postal'), 12, 'postal-code', fieldMessage('orders.field.postal.missing')),
      // Not drawn: the destination implies it. Still taken from older pages and scripts; one that
      // contradicts the destination is refused on the destination.
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, fieldMessage('orders.field.country.invalid'))
        .meta({ title: fieldMessage('orders.field.country'), autocomplete: 'country', widget: 'custom', ...collects('address') })
        .optional(),
      shipping: z
        .enum(rules.shipping.map((o) => o.id) as [string, ...string[]], { message: fieldMessage('orders.price.choose-shipping') })
        .meta({ title: fieldMessage('orders.field.shipping'), ...collects('orders', { as: fieldMessage('privacy.field.shipping') }) }),
      payment: z.enum(orders.payment, { message: fieldMessage('orders.field.payment.invalid') }).meta({
        title: fieldMessage('orders.field.payment'),
        description: fieldMessage('orders.field.payment.hint'),
        ...collects('orders', { as: fieldMessage('privacy.field.payment') }),
      }),
      po_number: optionalLine(fieldMessage('orders.field.po'), 40, 'orders'),
      note: message(fieldMessage('orders.field.note'), 1, 1000).optional(),
      ...(orders.followUp.enabled && orders.followUp.consent === 'express'
        ? {
            follow_up: z
              .literal('yes')
              .meta({ title: say.text(FOLLOW_UP_WORDING), ...collects('consent', { purpose: 'after-sale', as: fieldMessage('privacy.field.follow-up') }) })
              .optional(),
          }
        : {}),
      order_key: z
        .string()
        .regex(/^[A-Za-z0-9_-]{16,64}$/, fieldMessage('orders.field.order-key.invalid'))
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
          .map(([code]) => ({ value: `${c}-${code}`, label: `${regionLabel(say, c, code)}, ${countryName(say, c)}`, group: countryName(say, c) })),
      ),
      shipping: shippingOptions,
      payment: paymentOptions(say, orders.payment),
    },
    defaults: { shipping: rules.shipping[0]!.id, payment: orders.payment[0]! },
    submit: fieldMessage('orders.submit'),
  } satisfies FormDefinition;
}

type OrderData = z.infer<ReturnType<typeof orderForm>['schema']> & Record<string, unknown>;

/** The quantities posted, by SKU. */
function itemsOf(catalog: Catalog | undefined, data: Record<string, unknown>): Cart['items'] {
  return (catalog?.products ?? []).map((p) => ({ sku: p.sku, quantity: Number(data[quantityField(p.sku)] ?? 0) })).filter((i) => i.quantity > 0);
}

/** Address checks that need two fields: the province belongs to the country, the postal code fits it (said in `say`'s language). */
function addressErrors(data: { country?: string | undefined; region: string; postal: string }, say: Translator): Record<string, string> {
  const errors: Record<string, string> = {};
  const [regionCountry, region] = data.region.split('-') as [string, string];
  const code = data.country ?? regionCountry;
  const country = COUNTRIES[code as CountryCode] as (typeof COUNTRIES)[CountryCode] | undefined;
  if (!country) return errors; // pricing says where we ship
  const words = pricingWords(say);
  if (regionCountry !== code || !(region in country.regions)) errors.region = words.countries[code]!.chooseRegion;
  if (!country.postal.test(data.postal))
    errors.postal = say(code === 'US' ? 'orders.country.US.postal' : 'orders.country.CA.postal', { example: country.postalExample });
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
  // `/fr/order` is the order form in French; its answer is the order's French page.
  localized: true,
  form: (config, services) => orderForm(config, services?.catalog) as unknown as FormDefinition,
  dependsOn: (services) => services.catalog,
  async intercept(params, s, request) {
    const form = orderForm(s.config, s.catalog);
    const say = translator(s.config.site, request.locale);
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
        .concat(unknownProducts.length > 5 ? [say('orders.unknown-products.more', { count: unknownProducts.length - 5 })] : []);
      const message = say('orders.unknown-products', { names: named.join(', ') });
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
      else errors[name] = say.text(parsed.error.issues[0]!.message);
    }
    const values = echo(params);
    if (Object.keys(errors).length === 0) {
      const rules = orderRules(s.config.crm.orders, say.locale, pricingWords(say));
      const result = priceOrder(rules, productsIn(s.catalog, say.locale), cartOf(s.catalog, data as OrderData));
      if (result.ok) return { kind: 'invalid', state: { form: 'order', values, errors: {}, message: undefined, status: 200, extra: { quote: result.quote } } };
      Object.assign(errors, result.errors);
    }
    return {
      kind: 'invalid',
      state: {
        form: 'order',
        values,
        errors: onDrawnFields(errors),
        message: say('orders.review.problem'),
        status: 422,
      },
    };
  },
  async handle(raw, s, request) {
    const data = raw as OrderData;
    const config = s.config;
    // The language the order form was sent in: its messages, the customer's mail, the follow-up wording's as shown.
    const shown = translator(config.site, request.locale);
    const rules = orderRules(config.crm.orders, shown.locale, pricingWords(shown));
    const fail = (errors: Record<string, string>): FormOutcome => ({
      kind: 'invalid',
      state: { form: 'order', values: echoValues(data), errors: onDrawnFields(errors), message: shown('form.fix-fields'), status: 422 },
    });
    const errors = addressErrors(data, shown);
    if (data.payment === 'purchase-order' && !data.po_number) errors.po_number = shown('orders.po.missing');
    // Priced with the products as the customer's language names them; stored as staff name them.
    const priced = priceOrder(rules, productsIn(s.catalog, shown.locale), cartOf(s.catalog, data));
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
    // Lines as staff read them: the default language's names (the customer's mail says theirs).
    const stored = quote.lines.map((l) => {
      const product = s.catalog?.bySku.get(l.sku);
      return product ? { ...l, name: product.name, unit: product.unit } : l;
    });
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
            stored.map((l, i) => ({
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
        const linesOf = (lines: typeof stored) =>
          lines.map((l) => ({ name: l.name, unit: l.unit, quantity: l.quantity, unit_cents: l.unitCents, total_cents: l.totalCents }));
        const summary: OrderSummary = {
          number,
          currency: quote.currency,
          lines: linesOf(stored),
          subtotal_cents: quote.subtotalCents,
          shipping_cents: quote.shipping.cents,
          // As staff name it (the customer's acknowledgement names it in their language, as the form did).
          shippingLabel: config.crm.orders.shipping.find((o) => o.id === quote.shipping.id)?.label ?? quote.shipping.label,
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
            ...(permission === 'none'
              ? []
              : [
                  acknowledgementMail(
                    s,
                    contact.email,
                    permission === 'confirmed' ? data.name : undefined,
                    { ...summary, lines: linesOf(quote.lines), shippingLabel: quote.shipping.label },
                    shown,
                  ),
                ]),
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
      return limitedOutcome('order', data, shown('orders.too-many', { wait: waitText(result.wait ?? 60, shown) }));
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
