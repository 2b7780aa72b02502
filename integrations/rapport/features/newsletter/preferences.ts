import { recordActivity } from '../../core/store/timeline.ts';
import type { Services } from '../../core/services.ts';
import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import type { RapportConfig } from '../../config/schema.ts';
import { listIn } from '../../config/crm.ts';
import { formKey, wordingHash, wordingLanguage, type FormDefinition } from '../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../core/forms/endpoint.ts';
import { collects, tokenField } from '../../core/forms/fields.ts';
import { consumeToken } from '../../core/security/tokens.ts';
import { appendConsent } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { PREFERENCES } from './list-links.ts';
import { LINK_REFUSED } from '../../core/security/tokens.ts';
import { recallForUnsubscribe } from './campaigns/control.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';

const listChoice = (config: RapportConfig) =>
  z
    .array(z.enum(config.crm.lists.map((l) => l.id) as [string, ...string[]], { message: fieldMessage('signup.lists.invalid') }))
    .max(20)
    .optional()
    .meta({ title: fieldMessage('signup.lists.label'), ...collects('preferences', { as: fieldMessage('privacy.field.lists') }) });

/** The lists as a page in `locale` words them. */
const listOptions = (config: RapportConfig, locale: string) => ({
  lists: config.crm.lists.map((l) => listIn(l, locale)).map((l) => ({ value: l.id, label: l.label, description: l.description })),
});
const consentWording = (config: RapportConfig) => fieldMessage('signup.preferences.consent', { site: config.site.name });

/** The list choice behind a link from one of our e-mails (its lists worded in `locale`, the default locale unless told). */
export const preferencesForm = (config: RapportConfig, locale: string = config.site.locale) =>
  ({
    id: 'preferences',
    version: 1,
    action: '/subscribe/preferences',
    purpose: 'newsletter',
    schema: z.strictObject({ token: tokenField(), lists: listChoice(config) }),
    options: listOptions(config, locale),
    submit: fieldMessage('signup.preferences.submit'),
    consent: consentWording(config),
    traps: false,
  }) satisfies FormDefinition;

/** The same choice on the signed-in account page. */
export const accountListsForm = (config: RapportConfig, locale: string = config.site.locale) =>
  ({
    id: 'account-lists',
    version: 1,
    action: '/account/subscriptions',
    purpose: 'newsletter',
    schema: z.strictObject({ lists: listChoice(config) }),
    options: listOptions(config, locale),
    submit: fieldMessage('signup.preferences.submit'),
    consent: consentWording(config),
    traps: false,
  }) satisfies FormDefinition;

/** The lists a contact is subscribed to (confirmed). */
export async function confirmedLists(db: Kysely<Database>, contactId: string): Promise<string[]> {
  const rows = await db.selectFrom('list_subscriptions').select('list').where('contact_id', '=', contactId).where('status', '=', 'confirmed').execute();
  return rows.map((r) => r.list);
}

/**
 * Makes a contact's subscriptions match a choice. The person is proven to own the address (a
 * link from their mailbox, or a signed-in session), so ticked lists are confirmed at once; each
 * change is one consent-ledger entry.
 */
export async function applyListChoice(
  trx: Kysely<Database>,
  s: Services,
  contactId: string,
  chosen: readonly string[],
  form: FormDefinition,
  source: string,
  /** The language the form was shown in (its wording's hash is of that language's). */
  shown: Translator = translator(s.config.site),
): Promise<void> {
  const now = s.clock().toISOString();
  const current = new Set(await confirmedLists(trx, contactId));
  const wanted = new Set(chosen);
  const record = (list: string, action: 'granted' | 'withdrawn') =>
    appendConsent(
      trx,
      {
        contact_id: contactId,
        purpose: `newsletter:${list}`,
        action,
        form_id: formKey(form),
        wording_hash: wordingHash(form, shown),
        language: wordingLanguage(form, shown),
        policy_version: s.privacyVersion,
        source,
      },
      s.clock,
    );
  for (const list of wanted) {
    if (current.has(list)) continue;
    await trx
      .insertInto('list_subscriptions')
      .values({ contact_id: contactId, list, status: 'confirmed', created_at: now, confirmed_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['contact_id', 'list']).doUpdateSet({ status: 'confirmed', confirmed_at: now, updated_at: now }))
      .execute();
    await record(list, 'granted');
  }
  for (const list of current) {
    if (wanted.has(list)) continue;
    await trx
      .updateTable('list_subscriptions')
      .set({ status: 'unsubscribed', updated_at: now })
      .where('contact_id', '=', contactId)
      .where('list', '=', list)
      .execute();
    await recallForUnsubscribe(trx, contactId, list);
    await record(list, 'withdrawn');
  }
  await recordActivity(trx, { contactId, type: 'lists-changed', summary: `Lists now: ${[...wanted].join(', ') || 'none'}` }, now);
}

export const preferencesEndpoint: FormEndpoint<ReturnType<typeof preferencesForm>['schema']> = {
  path: '/subscribe/preferences',
  decoy: '/subscribe/preferences/saved',
  localized: true,
  form: (config) => preferencesForm(config),
  async handle(data, s, request) {
    const done = await s.db.transaction().execute(async (trx) => {
      const token = await consumeToken(trx, data.token, PREFERENCES, s.clock);
      if (!token?.contactId) return false;
      const shown = translator(s.config.site, request.locale);
      await applyListChoice(trx, s, token.contactId, data.lists ?? [], preferencesForm(s.config), 'web:/subscribe/preferences', shown);
      return true;
    });
    if (!done) return { kind: 'invalid', state: { form: 'preferences', values: {}, errors: {}, message: LINK_REFUSED, status: 400 } };
    return { kind: 'redirect', location: '/subscribe/preferences/saved' };
  },
};
