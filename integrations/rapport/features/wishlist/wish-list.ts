import { z } from 'astro/zod';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import type { FormEndpoint, FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, localPathField } from '../../core/forms/fields.ts';
import { SESSION_COOKIE, sessionPerson } from '../../core/security/sessions.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';

const sku = () =>
  z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9-]{2,31}$/, fieldMessage('wishlist.sku.invalid'))
    .meta({ widget: 'hidden', ...collects('none') })
    .optional();

/** "Add to my wish list" on a product page (`add`) and "Remove" on the account page (`remove`). */
export const wishListForm = () =>
  ({
    id: 'wish-list',
    version: 1,
    action: '/wishlist',
    purpose: 'account',
    // Posted from static product pages, and it changes nothing without a session: no traps to pass.
    traps: false,
    // `back`: the product page the button is on, where the sign-in brings a signed-out visitor back.
    schema: z.strictObject({ add: sku(), remove: sku(), back: localPathField() }),
    submit: fieldMessage('wishlist.add'),
  }) satisfies FormDefinition;

const refused = (message: string, status = 422): FormOutcome => ({
  kind: 'invalid',
  state: { form: 'wish-list', values: {}, errors: { add: message }, message, status },
});

/**
 * `/wishlist`: product pages are static, so the button is always drawn and the server decides. A
 * visitor without a session is sent to the sign-in, which brings them back to the product page
 * (`back`); a post without one (a page drawn before it existed) to a page that says why.
 */
export const wishListEndpoint: FormEndpoint<ReturnType<typeof wishListForm>['schema']> = {
  path: '/wishlist',
  decoy: '/account/',
  localized: true,
  form: wishListForm,
  async handle(data, s, request) {
    const say = translator(s.config.site, request.locale);
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    if (!person) return { kind: 'redirect', location: data.back ? `/account/sign-in?${new URLSearchParams({ next: data.back })}` : '/wishlist/sign-in-first' };
    if (data.add !== undefined) {
      // Only a product the catalogue has; one that left it can still be removed.
      if (!s.catalog?.bySku.has(data.add)) return refused(say('wishlist.no-product'));
      await s.db
        .insertInto('wish_list_items')
        .values({ contact_id: person.contactId, sku: data.add, created_at: s.clock().toISOString() })
        .onConflict((oc) => oc.columns(['contact_id', 'sku']).doNothing())
        .execute();
      return { kind: 'redirect', location: '/account/?saved=wish-list#account-wish-list' };
    }
    if (data.remove !== undefined) {
      await s.db.deleteFrom('wish_list_items').where('contact_id', '=', person.contactId).where('sku', '=', data.remove).execute();
      return { kind: 'redirect', location: '/account/?saved=wish-list-removed#account-wish-list' };
    }
    return refused(say('wishlist.nothing'));
  },
};
