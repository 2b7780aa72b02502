import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import type { FormDefinition } from '../../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../../core/forms/endpoint.ts';
import { collects, contactKind, KIND_LABELS, optionalLine, personName } from '../../../core/forms/fields.ts';
import { erasePerson, isErasureRefused, type ErasureRefused } from '../../../core/privacy/erasure.ts';
import { clearedSessionCookie, SESSION_COOKIE, sessionPerson } from '../../../core/security/sessions.ts';
import { CONTACT_KINDS, type Database } from '../../../core/store/schema.ts';
import { recordActivity } from '../../../core/store/timeline.ts';
import { fieldMessage, translator } from '../../../i18n/translate.ts';
import { personalDataOf } from './my-data.ts';
import { recordRequest } from './requests.ts';

export const ACCOUNT_PAGE = '/account/';
export const ACCOUNT_DELETED = '/account/deleted';

/** The person's own details on `/account/`: what the store knows them by. */
export const detailsForm = () =>
  ({
    id: 'account-details',
    version: 1,
    action: '/account/details',
    purpose: 'account',
    schema: z.strictObject({
      name: personName(),
      organisation: optionalLine(fieldMessage('field.organisation.label'), 120, 'identity', 'organization'),
      // Every contact has a kind: here it is always sent (no empty choice).
      kind: contactKind().unwrap(),
    }),
    options: { kind: CONTACT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    submit: fieldMessage('account.information.details.submit'),
    traps: false,
  }) satisfies FormDefinition;

/**
 * `/account/details`: corrects the signed-in person's name, organisation and kind; the change goes
 * on their timeline. From `/fr/account/`, back to it (`localized`).
 */
export const detailsEndpoint: FormEndpoint<ReturnType<typeof detailsForm>['schema']> = {
  path: '/account/details',
  page: ACCOUNT_PAGE,
  decoy: ACCOUNT_PAGE,
  localized: true,
  form: detailsForm,
  async handle(data, s, request) {
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    if (!person) return { kind: 'redirect', location: '/account/sign-in' };
    const next = { name: data.name, organisation: data.organisation || null, kind: data.kind };
    const changed = (['name', 'organisation', 'kind'] as const).filter((field) => (person[field] ?? null) !== next[field]);
    if (changed.length === 0) return { kind: 'redirect', location: `${ACCOUNT_PAGE}?saved=unchanged#your-information` };
    const now = s.clock();
    await s.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('contacts')
        .set({ ...next, updated_at: now.toISOString() })
        .where('id', '=', person.contactId)
        .execute();
      // The timeline says which fields changed, not their values: the contact row holds those.
      await recordActivity(
        trx,
        { contactId: person.contactId, type: 'corrected', summary: `Corrected their ${changed.join(', ')} on their account page`, data: { changed } },
        now,
      );
      await recordRequest(trx, { contactId: person.contactId, kind: 'correction', via: 'account', status: 'done', at: now });
    });
    return { kind: 'redirect', location: `${ACCOUNT_PAGE}?saved=details#your-information` };
  },
};

const confirmBox = () =>
  z
    .literal('yes', { message: fieldMessage('account.information.delete.confirm.missing') })
    .meta({ title: fieldMessage('account.information.delete.confirm.label'), ...collects('none') });

/** The button that deletes an account and everything about its owner; the address typed again shows it is meant. */
export const deleteAccountForm = () =>
  ({
    id: 'account-delete',
    version: 1,
    action: '/account/delete',
    purpose: 'account',
    schema: z.strictObject({
      email: z
        .email({ message: fieldMessage('account.information.delete.email.invalid') })
        .max(254, fieldMessage('field.email.too-long'))
        // Compared with the account's address and then forgotten: it is not stored.
        .meta({ title: fieldMessage('account.information.delete.email.label'), autocomplete: 'off', ...collects('contact') }),
      confirm: confirmBox(),
    }),
    submit: fieldMessage('account.information.delete.submit'),
    traps: false,
  }) satisfies FormDefinition;

/**
 * `/account/delete`: erases the signed-in person (one transaction), ends the session and says what
 * was kept, in the language of the page it was sent from (`/fr/account/deleted`).
 */
export const deleteAccountEndpoint: FormEndpoint<ReturnType<typeof deleteAccountForm>['schema']> = {
  path: '/account/delete',
  page: ACCOUNT_PAGE,
  decoy: ACCOUNT_PAGE,
  localized: true,
  form: deleteAccountForm,
  async handle(data, s, request) {
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    if (!person) return { kind: 'redirect', location: '/account/sign-in' };
    const say = translator(s.config.site, request.locale);
    if (data.email.trim().toLowerCase() !== person.email) {
      return refused('account-delete', say('account.information.delete.wrong-address'), 422, {
        email: say('account.information.delete.wrong-address.field'),
      });
    }
    const outcome = await eraseAtRequest(s, person.contactId, 'account');
    // (Why is for staff, who cannot delete themselves here: in the console's words.)
    if (typeof outcome !== 'string') return refused('account-delete', say('account.information.delete.refused', { reason: outcome.message }), 409);
    return { kind: 'redirect', location: ACCOUNT_DELETED, cookies: [clearedSessionCookie(request.secure)] };
  },
};

/**
 * Erases a person at their own request: everything the enabled features hold goes in one
 * transaction, the address is remembered as a keyed hash so nothing is mailed to it again, and
 * the request itself is recorded (done). Erasing twice is harmless ('already').
 */
export async function eraseAtRequest(
  s: Parameters<FormEndpoint['handle']>[1],
  contactId: string,
  via: 'account' | 'link' | `staff:${string}`,
  also?: (trx: Kysely<Database>) => Promise<void>,
): Promise<'erased' | 'already' | 'unknown' | ErasureRefused> {
  const at = s.clock();
  try {
    // The record that it was done (it names nobody: a contact id the erasure emptied), and whatever
    // the caller adds, in the erasure's own transaction.
    return await erasePerson(s.db, personalDataOf(s), contactId, {
      at,
      remember: { secret: s.secret },
      also: async (trx) => {
        await recordRequest(trx, { contactId, kind: 'erasure', via, status: 'done', at });
        await also?.(trx);
      },
    });
  } catch (error) {
    if (isErasureRefused(error)) return error;
    throw error;
  }
}

function refused(form: string, message: string, status: number, errors: Record<string, string> = {}) {
  return { kind: 'invalid' as const, state: { form, values: {}, errors, message, status } };
}
