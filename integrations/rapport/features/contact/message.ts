import { z } from 'astro/zod';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import { limitedOutcome, waitText, type FormEndpoint } from '../../core/forms/endpoint.ts';
import { contactKind, emailAddress, KIND_LABELS, message, optionalLine, personName } from '../../core/forms/fields.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting, mailPermission } from '../../core/mail/unsolicited.ts';
import { take } from '../../core/security/rate-limit.ts';
import { upsertContact } from '../../core/store/contacts.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { mailTranslator } from '../../core/mail/mail-language.ts';
import { CONTACT_KINDS } from '../../core/store/schema.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';

export const contactForm = () =>
  ({
    id: 'contact',
    version: 1,
    action: '/contact/message',
    purpose: 'enquiries',
    schema: z.strictObject({
      name: personName(),
      email: emailAddress(),
      // Labels without "(optional)": the form marks an optional field itself, in the page's language.
      organisation: optionalLine(fieldMessage('field.organisation.label'), 120, 'identity', 'organization'),
      kind: contactKind(),
      subject: optionalLine(fieldMessage('contact.subject.label'), 120, 'messages'),
      message: message(fieldMessage('contact.message.label'), 10, 5000),
    }),
    options: { kind: CONTACT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    defaults: { kind: 'customer' },
    submit: fieldMessage('contact.submit'),
  }) satisfies FormDefinition;

/**
 * `/contact/message`: the enquiry goes on the contact's timeline, the visitor gets an
 * acknowledgement with a copy, staff get a notification they can answer with Reply.
 */
export const contactEndpoint: FormEndpoint<ReturnType<typeof contactForm>['schema']> = {
  path: '/contact/message',
  decoy: '/contact/sent',
  localized: true,
  form: contactForm,
  async handle(data, s, request) {
    const limited = await s.db.transaction().execute(async (trx) => {
      const wait = await take(s.limits.messagesPerAddress, `contact:${data.email.toLowerCase()}`, trx);
      if (wait > 0) return wait;
      const contact = await upsertContact(
        trx,
        {
          email: data.email,
          name: data.name,
          organisation: data.organisation,
          kind: data.kind ?? 'prospect',
          language: request.locale ?? s.config.site.locale,
        },
        s.clock,
      );
      const subject = data.subject ?? 'Message from the website';
      await recordActivity(
        trx,
        {
          contactId: contact.id,
          type: 'enquiry',
          summary: subject,
          data: { subject, message: data.message, name: data.name, organisation: data.organisation ?? null, kind: data.kind ?? null },
        },
        s.clock(),
      );
      // The copy of the message goes only to an address that has shown it is its owner's.
      const permission = await mailPermission(trx, s, contact);
      const say = mailTranslator(s.config.site, contact);
      const site = s.config.site.name;
      if (permission === 'confirmed') {
        await enqueueMail(
          trx,
          composeMail(
            {
              to: contact.email,
              subject: say('mail.contact.subject-copy', { subject: data.subject ?? say('mail.contact.default-subject') }),
              greeting: greeting(permission, data.name, say),
              paragraphs: [say('mail.contact.text-copy', { site })],
              quote: data.message,
              footer: mailFooter(s.config, say('mail.contact.why-copy')),
              accent: s.config.site.accentColor,
            },
            say,
          ),
          s.clock,
        );
      } else if (permission === 'plain') {
        await enqueueMail(
          trx,
          composeMail(
            {
              to: contact.email,
              subject: say('mail.contact.subject'),
              greeting: greeting(permission, data.name, say),
              paragraphs: [say('mail.contact.text', { site })],
              after: [say('mail.contact.ignore')],
              footer: mailFooter(s.config, say('mail.contact.why')),
              accent: s.config.site.accentColor,
            },
            say,
          ),
          s.clock,
        );
      }
      await enqueueMail(
        trx,
        composeMail({
          to: staffAddress(s.config),
          subject: `Website message from ${data.name}: ${subject}`,
          paragraphs: [
            `From: ${data.name} <${contact.email}>`,
            ...(data.organisation ? [`Organisation: ${data.organisation}`] : []),
            ...(data.kind ? [`Says they are: ${KIND_LABELS[data.kind]}`] : []),
          ],
          quote: data.message,
          after: ['Reply to this message to answer them.'],
          footer: mailFooter(s.config, 'Sent by your website’s contact form.'),
          replyTo: contact.email,
          accent: s.config.site.accentColor,
        }),
        s.clock,
      );
      return 0;
    });
    if (limited > 0) {
      const say = translator(s.config.site, request.locale);
      return limitedOutcome('contact', data, say('contact.too-many', { wait: waitText(limited, say) }));
    }
    return { kind: 'redirect', location: '/contact/sent' };
  },
};
