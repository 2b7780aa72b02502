import { recordActivity } from '../../core/store/timeline.ts';
import type { Services } from '../../core/services.ts';
import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import { formKey, wordingHash, wordingLanguage, type FormDefinition } from '../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../core/forms/endpoint.ts';
import { tokenField } from '../../core/forms/fields.ts';
import { consumeToken } from '../../core/security/tokens.ts';
import { appendConsent } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { UNSUBSCRIBE } from './list-links.ts';
import { LINK_REFUSED } from '../../core/security/tokens.ts';
import { recallForUnsubscribe } from './campaigns/control.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';

export const unsubscribeForm = () =>
  ({
    id: 'unsubscribe',
    version: 1,
    action: '/unsubscribe',
    purpose: 'newsletter',
    schema: z.strictObject({ token: tokenField() }),
    submit: fieldMessage('signup.unsubscribe.submit'),
    traps: false,
  }) satisfies FormDefinition;

/**
 * `/unsubscribe`: the button on the page an unsubscribe link opens, and RFC 8058 one-click
 * unsubscribe (a mail client POSTs `List-Unsubscribe=One-Click` to the header's URL, with no
 * cookies and no Origin; it gets a plain 200, never a redirect). The token is the only proof
 * needed, which is why this path alone is exempt from the origin check.
 */
export const unsubscribeEndpoint: FormEndpoint<ReturnType<typeof unsubscribeForm>['schema']> = {
  path: '/unsubscribe',
  decoy: '/unsubscribe/done',
  localized: true,
  originExempt: true,
  form: unsubscribeForm,
  async intercept(params, s, request) {
    if (params.get('List-Unsubscribe') !== 'One-Click') return undefined;
    // A mail client's one click shows no wording: the button's, in the site's default language, is recorded.
    const ok = await unsubscribe(s, request.query.get('token') ?? '', 'mail:one-click');
    return ok
      ? { kind: 'text', status: 200, body: 'You are unsubscribed.' }
      : { kind: 'text', status: 400, body: translator(s.config.site, request.locale).text(LINK_REFUSED) };
  },
  async handle(data, s, request) {
    if (await unsubscribe(s, data.token, 'web:/unsubscribe', translator(s.config.site, request.locale)))
      return { kind: 'redirect', location: '/unsubscribe/done' };
    return { kind: 'invalid', state: { form: 'unsubscribe', values: {}, errors: {}, message: LINK_REFUSED, status: 400 } };
  },
};

async function unsubscribe(s: Services, token: string, source: string, shown: Translator = translator(s.config.site)): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, UNSUBSCRIBE, s.clock);
    if (!used?.contactId) return false;
    const { list } = used.payload as { list: string };
    await withdraw(trx, s, used.contactId, list, source, shown);
    return true;
  });
}

async function withdraw(trx: Kysely<Database>, s: Services, contactId: string, list: string, source: string, shown: Translator) {
  const now = s.clock().toISOString();
  const form = unsubscribeForm();
  await trx
    .updateTable('list_subscriptions')
    .set({ status: 'unsubscribed', updated_at: now })
    .where('contact_id', '=', contactId)
    .where('list', '=', list)
    .execute();
  // Nothing more of a campaign under way reaches them after the click.
  await recallForUnsubscribe(trx, contactId, list);
  await appendConsent(
    trx,
    {
      contact_id: contactId,
      purpose: `newsletter:${list}`,
      action: 'withdrawn',
      form_id: formKey(form),
      wording_hash: wordingHash(form, shown),
      language: wordingLanguage(form, shown),
      policy_version: s.privacyVersion,
      source,
    },
    s.clock,
  );
  await recordActivity(trx, { contactId, type: 'unsubscribed', summary: `Unsubscribed from ${list}`, data: { source } }, now);
}
