import { recordActivity } from '../../core/store/timeline.ts';
import { z } from 'astro/zod';
import type { RapportConfig } from '../../config/schema.ts';
import { formKey, wordingHash, wordingLanguage, type FormDefinition } from '../../core/forms/define-form.ts';
import { limitedOutcome, siteLink, waitText, type FormEndpoint, type FormOutcome } from '../../core/forms/endpoint.ts';
import { collects, emailAddress, message, ONE_LINE, personName } from '../../core/forms/fields.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter, staffAddress } from '../../core/mail/identity.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting, mailPermission } from '../../core/mail/unsolicited.ts';
import { take } from '../../core/security/rate-limit.ts';
import { appendConsent, upsertContact } from '../../core/store/contacts.ts';
import { mailTranslator } from '../../core/mail/mail-language.ts';
import { fieldMessage, translator, type Translator } from '../../i18n/translate.ts';

/** A question fits a FAQ entry's title (the FAQ schema allows 160 characters). */
export const questionText = () =>
  z
    .string()
    .trim()
    .min(10, fieldMessage('ask.question.too-short', { min: 10 }))
    .max(160, fieldMessage('ask.question.too-long', { max: 160 }))
    .regex(ONE_LINE, fieldMessage('ask.question.one-line'))
    .meta({ title: fieldMessage('ask.question.label'), ...collects('messages') });

export const askForm = (config: RapportConfig) =>
  ({
    id: 'faq-ask',
    version: 1,
    action: '/faq/ask',
    purpose: 'questions',
    schema: z.strictObject({
      question: questionText(),
      details: message(fieldMessage('ask.details.label'), 1, 2000)
        .optional()
        .meta({ description: fieldMessage('ask.details.hint') }),
      name: personName().optional(),
      email:
        config.crm.questions.email === 'required'
          ? emailAddress().meta({ title: fieldMessage('field.email.label'), autocomplete: 'email', description: fieldMessage('ask.email.hint.required') })
          : emailAddress()
              .optional()
              .meta({
                title: fieldMessage('field.email.label'),
                autocomplete: 'email',
                description: fieldMessage('ask.email.hint.optional'),
              }),
    }),
    // Catalogue texts: a French page shows them in French, and the ledger hashes what it showed.
    consent: fieldMessage('ask.consent'),
    submit: fieldMessage('ask.submit'),
  }) satisfies FormDefinition;

/** How staff's copy of a new question begins its subject (an erasure finds the copy by it). */
export const STAFF_QUESTION_SUBJECT = 'New question for the FAQ: ';

/**
 * `/faq/ask`: the question is stored (with the asker's contact when they gave an address, and
 * their consent to be told), acknowledged, and announced to staff. The draft FAQ entry is written
 * just after the answer, from the store (see `syncDrafts`), so a slow disk or Git never loses it.
 */
export const askEndpoint: FormEndpoint<ReturnType<typeof askForm>['schema']> = {
  path: '/faq/ask',
  decoy: '/faq/ask/sent',
  localized: true,
  form: askForm,
  async handle(data, s, request) {
    const form = askForm(s.config);
    const shown = translator(s.config.site, request.locale);
    const now = s.clock().toISOString();
    const wait = await s.db.transaction().execute(async (trx) => {
      const waits = [await take(s.limits.questionsPerIp, request.ip, trx)];
      if (data.email) waits.push(await take(s.limits.messagesPerAddress, `ask:${data.email.toLowerCase()}`, trx));
      if (Math.max(...waits) > 0) return Math.max(...waits);
      const contact = data.email
        ? await upsertContact(trx, { email: data.email, name: data.name ?? '', kind: 'prospect', language: shown.locale }, s.clock)
        : undefined;
      const id = crypto.randomUUID();
      await trx
        .insertInto('faq_questions')
        .values({
          id,
          contact_id: contact?.id ?? null,
          question: data.question,
          details: data.details ?? null,
          status: 'received',
          entry_slug: null,
          merged_into: null,
          created_at: now,
          updated_at: now,
          notified_at: null,
        })
        .execute();
      await trx
        .insertInto('faq_question_events')
        .values({ id: crypto.randomUUID(), question_id: id, status: 'received', note: null, created_at: now })
        .execute();
      if (contact) {
        await appendConsent(
          trx,
          {
            contact_id: contact.id,
            purpose: 'faq:answer-notice',
            action: 'granted',
            form_id: formKey(form),
            wording_hash: wordingHash(form, shown),
            language: wordingLanguage(form, shown),
            policy_version: s.privacyVersion,
            source: 'web:/faq/ask',
          },
          s.clock,
        );
        await recordActivity(trx, { contactId: contact.id, type: 'question', summary: data.question, data: { question: id } }, now);
        // The question is quoted back only to an address that has shown it is its owner's.
        const permission = await mailPermission(trx, s, contact);
        if (permission !== 'none') {
          const say = mailTranslator(s.config.site, contact);
          await enqueueMail(
            trx,
            composeMail(
              {
                to: contact.email,
                subject: say('mail.faq-ask.subject'),
                greeting: greeting(permission, data.name, say),
                paragraphs: [permission === 'confirmed' ? say('mail.faq-ask.text-quoted') : say('mail.faq-ask.text')],
                ...(permission === 'confirmed' ? { quote: data.question } : { after: [say('mail.faq-ask.ignore')] }),
                footer: mailFooter(s.config, say('mail.faq-ask.why')),
                accent: s.config.site.accentColor,
              },
              say,
            ),
            s.clock,
          );
        }
      }
      await enqueueMail(
        trx,
        composeMail({
          to: staffAddress(s.config),
          subject: `${STAFF_QUESTION_SUBJECT}${data.question.slice(0, 80)}`,
          paragraphs: [
            'A visitor asked a question. It waits in the content manager’s FAQ list under “Waiting for an answer”: write the answer, choose a category, set the status to published (or not published, or merged into an existing answer) and publish.',
            ...(data.details ? ['Their details (private, not in the draft):', data.details] : []),
          ],
          quote: data.question,
          action: { label: 'Open the CMS', url: siteLink(s, '/admin/') },
          footer: mailFooter(s.config, 'Sent by your website’s FAQ question form.'),
          accent: s.config.site.accentColor,
        }),
        s.clock,
      );
      return 0;
    });
    if (wait > 0) return tooMany(data, wait, shown);
    return { kind: 'redirect', location: '/faq/ask/sent' };
  },
};

function tooMany(data: Record<string, unknown>, wait: number, say: Translator): FormOutcome {
  return limitedOutcome('faq-ask', data, say('ask.too-many', { wait: waitText(wait, say) }));
}
