import { recordActivity } from '../../core/store/timeline.ts';
import { z } from 'astro/zod';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import type { FormEndpoint } from '../../core/forms/endpoint.ts';
import { contactKind, emailAddress, KIND_LABELS, optionalLine, personName } from '../../core/forms/fields.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting, mailPermission } from '../../core/mail/unsolicited.ts';
import { take } from '../../core/security/rate-limit.ts';
import { upsertContact } from '../../core/store/contacts.ts';
import { CONTACT_KINDS } from '../../core/store/schema.ts';
import { signInLink } from './sign-in-link.ts';

export const registerForm = () =>
  ({
    id: 'register',
    version: 1,
    action: '/account/register',
    purpose: 'account',
    schema: z.strictObject({
      name: personName(),
      email: emailAddress(),
      organisation: optionalLine('Organisation (optional)', 120, 'identity', 'organization'),
      kind: contactKind(),
    }),
    options: { kind: CONTACT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    defaults: { kind: 'customer' },
    submit: 'Create my account',
  }) satisfies FormDefinition;

/**
 * `/account/register`: creates the contact and account and mails a welcome with a sign-in link.
 * An address that already has an account gets a sign-in link instead; the page shown is the same
 * either way, so the form cannot tell anyone which addresses have accounts.
 */
export const registerEndpoint: FormEndpoint<ReturnType<typeof registerForm>['schema']> = {
  path: '/account/register',
  decoy: '/account/registered',
  form: registerForm,
  async handle(data, s, request) {
    await s.db.transaction().execute(async (trx) => {
      const contact = await upsertContact(
        trx,
        {
          email: data.email,
          name: data.name,
          organisation: data.organisation,
          kind: data.kind ?? 'customer',
          language: request.locale ?? s.config.site.locale,
        },
        s.clock,
      );
      const existing = await trx.selectFrom('accounts').select('id').where('contact_id', '=', contact.id).executeTakeFirst();
      const now = s.clock().toISOString();
      if (!existing) {
        await trx.insertInto('accounts').values({ id: crypto.randomUUID(), contact_id: contact.id, role: 'customer', created_at: now }).execute();
        await recordActivity(trx, { contactId: contact.id, type: 'registered', summary: 'Created an account' }, now);
      }
      if ((await take(s.limits.mailPerAddress, `sign-in:${contact.email}`, trx)) > 0) return;
      const permission = await mailPermission(trx, s, contact);
      if (permission === 'none') return;
      const link = await signInLink(trx, s, contact.id);
      // A name typed on the form is only repeated to an address that has shown it is its owner's.
      const name = permission === 'confirmed' ? contact.name || data.name : '';
      await enqueueMail(
        trx,
        composeMail(
          existing
            ? {
                to: contact.email,
                subject: `Your account at ${s.config.site.name}`,
                greeting: greeting(permission, name),
                paragraphs: ['Someone, probably you, tried to create an account with this address, but you already have one. Sign in with the button below.'],
                action: { label: 'Sign in', url: link },
                after: ['The link works once, for one hour. If it was not you, ignore this message.'],
                footer: mailFooter(s.config, 'You get this message because this address was entered on our registration form.'),
                accent: s.config.site.accentColor,
              }
            : {
                to: contact.email,
                subject: `Welcome to ${s.config.site.name}${name ? `, ${name}` : ''}`,
                greeting: name ? `Welcome, ${name}!` : 'Welcome!',
                paragraphs: [
                  `Your account at ${s.config.site.name} is ready. There is no password to remember: sign in with the button below, and ask for a new link on the sign-in page whenever you need one.`,
                ],
                action: { label: 'Sign in to my account', url: link },
                after: ['The link works once, for one hour. If you did not ask for an account, ignore this message.'],
                footer: mailFooter(s.config, 'You get this message because this address was entered on our registration form.'),
                accent: s.config.site.accentColor,
              },
        ),
        s.clock,
      );
    });
    return { kind: 'redirect', location: '/account/registered' };
  },
};
