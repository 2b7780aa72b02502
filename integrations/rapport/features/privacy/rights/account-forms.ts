import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import type { FormDefinition } from '../../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../../core/forms/endpoint.ts';
import { collects, contactKind, KIND_LABELS, optionalLine, personName } from '../../../core/forms/fields.ts';
import { erasePerson, isErasureRefused, type ErasureRefused } from '../../../core/privacy/erasure.ts';
import { clearedSessionCookie, SESSION_COOKIE, sessionPerson } from '../../../core/security/sessions.ts';
import { CONTACT_KINDS, type Database } from '../../../core/store/schema.ts';
import { recordActivity } from '../../../core/store/timeline.ts';
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
      organisation: optionalLine('Organisation (optional)', 120, 'identity', 'organization'),
      // Every contact has a kind: here it is always sent (no empty choice).
      kind: contactKind().unwrap(),
    }),
    options: { kind: CONTACT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    submit: 'Save my details',
    traps: false,
  }) satisfies FormDefinition;

/** `/account/details`: corrects the signed-in person's name, organisation and kind; the change goes on their timeline. */
export const detailsEndpoint: FormEndpoint<ReturnType<typeof detailsForm>['schema']> = {
  path: '/account/details',
  page: ACCOUNT_PAGE,
  decoy: ACCOUNT_PAGE,
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
    .literal('yes', { message: 'Tick the box to confirm that you want everything deleted.' })
    .meta({ title: 'I understand that this deletes my account and my information for good, and cannot be undone.', ...collects('none') });

/** The button that deletes an account and everything about its owner; the address typed again shows it is meant. */
export const deleteAccountForm = () =>
  ({
    id: 'account-delete',
    version: 1,
    action: '/account/delete',
    purpose: 'account',
    schema: z.strictObject({
      email: z
        .email({ message: 'Type the e-mail address of your account.' })
        .max(254, 'That address is too long.')
        // Compared with the account's address and then forgotten: it is not stored.
        .meta({ title: 'Your e-mail address, to confirm', autocomplete: 'off', ...collects('contact') }),
      confirm: confirmBox(),
    }),
    submit: 'Delete my account and data',
    traps: false,
  }) satisfies FormDefinition;

/** `/account/delete`: erases the signed-in person (one transaction), ends the session and says what was kept. */
export const deleteAccountEndpoint: FormEndpoint<ReturnType<typeof deleteAccountForm>['schema']> = {
  path: '/account/delete',
  page: ACCOUNT_PAGE,
  decoy: ACCOUNT_PAGE,
  form: deleteAccountForm,
  async handle(data, s, request) {
    const person = await sessionPerson(s.db, request.cookies[SESSION_COOKIE], s.clock);
    if (!person) return { kind: 'redirect', location: '/account/sign-in' };
    if (data.email.trim().toLowerCase() !== person.email) {
      return refused('account-delete', 'That is not the address of this account, so nothing was deleted. Type the address you sign in with.', 422, {
        email: 'Type the address you sign in with.',
      });
    }
    const outcome = await eraseAtRequest(s, person.contactId, 'account');
    if (typeof outcome !== 'string') return refused('account-delete', `Nothing was deleted: ${outcome.message}`, 409);
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
