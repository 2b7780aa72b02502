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
import { mailTranslator } from '../../core/mail/mail-language.ts';
import { fieldMessage } from '../../i18n/translate.ts';

export const registerForm = () =>
  ({
    id: 'register',
    version: 1,
    action: '/account/register',
    purpose: 'account',
    schema: z.strictObject({
      name: personName(),
      email: emailAddress(),
      // Without "(optional)": the form marks an optional field itself, in the page's language.
      organisation: optionalLine(fieldMessage('field.organisation.label'), 120, 'identity', 'organization'),
      kind: contactKind(),
    }),
    options: { kind: CONTACT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    defaults: { kind: 'customer' },
    submit: fieldMessage('account.register.submit'),
  }) satisfies FormDefinition;

/**
 * `/account/register`: creates the contact and account and mails a welcome with a sign-in link.
 * An address that already has an account gets a sign-in link instead; the page shown is the same
 * either way, so the form cannot tell anyone which addresses have accounts.
 */
export const registerEndpoint: FormEndpoint<ReturnType<typeof registerForm>['schema']> = {
  path: '/account/register',
  decoy: '/account/registered',
  localized: true,
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
      // Written in the language of the form just sent (now the contact's), linking that language's sign-in page.
      const say = mailTranslator(s.config.site, contact);
      const link = await signInLink(trx, s, contact.id, { services: s, say });
      // A name typed on the form is only repeated to an address that has shown it is its owner's.
      const name = permission === 'confirmed' ? contact.name || data.name : '';
      const site = s.config.site.name;
      await enqueueMail(
        trx,
        composeMail(
          existing
            ? {
                to: contact.email,
                subject: say('mail.account.existing.subject', { site }),
                greeting: greeting(permission, name, say),
                paragraphs: [say('mail.account.existing.text')],
                action: { label: say('mail.account.existing.action'), url: link },
                after: [say('mail.account.existing.after')],
                footer: mailFooter(s.config, say('mail.account.register.why')),
                accent: s.config.site.accentColor,
              }
            : {
                to: contact.email,
                subject: name ? say('mail.account.welcome.subject-named', { site, name }) : say('mail.account.welcome.subject', { site }),
                greeting: name ? say('mail.account.welcome.greeting-named', { name }) : say('mail.account.welcome.greeting'),
                paragraphs: [say('mail.account.welcome.text', { site })],
                action: { label: say('mail.account.welcome.action'), url: link },
                after: [say('mail.account.welcome.after')],
                footer: mailFooter(s.config, say('mail.account.register.why')),
                accent: s.config.site.accentColor,
              },
          say,
        ),
        s.clock,
      );
    });
    return { kind: 'redirect', location: '/account/registered' };
  },
};
