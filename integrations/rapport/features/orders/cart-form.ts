import { z } from 'astro/zod';
import type { RapportConfig } from '../../config/schema.ts';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import type { FormEndpoint, FormOutcome, FormRequest } from '../../core/forms/endpoint.ts';
import { collects } from '../../core/forms/fields.ts';
import { readForm } from '../../core/forms/read-form.ts';
import type { Services } from '../../core/services.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';
import { orderable, productIn, type Catalog } from './catalog.ts';
import { addToCart, CART_COOKIE, cartCookie, decodeCart, removeFromCart, setQuantities, type CartLine } from './cart.ts';
import { quantityField } from './pricing.ts';

const sku = () =>
  z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, fieldMessage('orders.cart.sku.invalid'))
    .meta({ widget: 'hidden', ...collects('none') })
    .optional();

/**
 * The cart's buttons, all posting to `/cart`: "Add to order" on a product page (`add`, maybe
 * `quantity`), "Update quantities" (`qty_<SKU>` for each line, then `go=order` to continue to the
 * order form), "Remove" (`remove`). No spam traps: it is posted from static product pages, and
 * it stores nothing but the visitor's own cookie.
 */
export function cartForm(config: RapportConfig, catalog: Catalog | undefined) {
  const cached = forms.get(catalog ?? config);
  if (cached?.config === config) return cached.form;
  const form = buildCartForm(config, catalog);
  forms.set(catalog ?? config, { config, form });
  return form;
}
const forms = new WeakMap<object, { config: RapportConfig; form: ReturnType<typeof buildCartForm> }>();

function buildCartForm(config: RapportConfig, catalog: Catalog | undefined) {
  const max = config.crm.orders.maxQuantity;
  const quantity = (title: string, min: number) =>
    z
      .string()
      .trim()
      .regex(/^\d{1,7}$/, fieldMessage('orders.cart.quantity.invalid', { min, max }))
      .transform(Number)
      .refine((n) => n >= min && n <= max, fieldMessage('orders.cart.quantity.too-many', { min, max }))
      .meta({ title, widget: 'custom', ...collects('none') })
      .optional();
  return {
    id: 'cart',
    version: 1,
    action: '/cart',
    purpose: 'orders',
    traps: false,
    schema: z.strictObject({
      add: sku(),
      quantity: quantity(fieldMessage('products.order.quantity'), 1),
      remove: sku(),
      ...Object.fromEntries((catalog?.products ?? []).map((p) => [quantityField(p.sku), quantity(`${p.name}, ${p.unit}`, 0)])),
      go: z
        .enum(['cart', 'order'])
        .optional()
        .meta({ widget: 'hidden', ...collects('none') }),
    }),
    submit: fieldMessage('orders.cart.update'),
  } satisfies FormDefinition;
}

type CartData = { add?: string | undefined; quantity?: number | undefined; remove?: string | undefined; go?: 'cart' | 'order' | undefined } & Record<
  string,
  unknown
>;

const refused = (message: string, field = 'items', status = 422): FormOutcome => ({
  kind: 'invalid',
  state: { form: 'cart', values: {}, errors: { [field]: message }, message, status },
});

/** What one post does to the cart: the new lines, or why nothing changed (in `say`'s language). */
export function changeCart(
  lines: CartLine[],
  data: CartData,
  catalog: Catalog | undefined,
  config: RapportConfig,
  say: Translator = translator(config.site),
): CartLine[] | FormOutcome {
  const max = config.crm.orders.maxQuantity;
  if (data.add !== undefined) {
    const product = catalog?.bySku.get(data.add);
    if (!product) return refused(say('orders.cart.no-product', { sku: data.add }), 'add');
    if (!orderable(product, config.crm.orders.currency)) return refused(say('orders.cart.not-orderable', { name: productIn(product, say.locale).name }), 'add');
    return addToCart(lines, product.sku, data.quantity ?? 1, max);
  }
  if (data.remove !== undefined) return removeFromCart(lines, data.remove);
  const quantities = new Map<string, number>();
  for (const line of lines) {
    const value = data[quantityField(line.sku)];
    if (typeof value === 'number') quantities.set(line.sku, value);
  }
  return setQuantities(lines, quantities);
}

/** `/cart`: every change answers `303` with the new cookie, back to the cart or on to the order form. */
export const cartEndpoint: FormEndpoint = {
  path: '/cart',
  decoy: '/cart',
  // A French product page's button posts to `/fr/cart`; the cart and the order form after it stay French.
  localized: true,
  form: (config, services) => cartForm(config, services?.catalog) as unknown as FormDefinition,
  dependsOn: (services) => services.catalog,
  // Answered here in full: a cart change writes nothing to the store, so it spends no rate limit.
  async intercept(params: URLSearchParams, s: Services, request: FormRequest) {
    const say = translator(s.config.site, request.locale);
    const read = readForm(cartForm(s.config, s.catalog), params, say);
    if (!read.ok) return { kind: 'invalid', state: read.state };
    const lines = decodeCart(request.cookies[CART_COOKIE], s.secret);
    const changed = changeCart(lines, read.data as CartData, s.catalog, s.config, say);
    if (!Array.isArray(changed)) return changed;
    const next = (read.data as CartData).go === 'order' && changed.length > 0 ? '/order' : '/cart';
    return { kind: 'redirect', location: next, cookies: [cartCookie(changed, s.secret, request.secure)] };
  },
  handle: async (_data, s, request) => refused(translator(s.config.site, request.locale)('orders.cart.reload')),
};
