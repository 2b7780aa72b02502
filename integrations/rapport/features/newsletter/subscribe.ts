import { z } from 'astro/zod';
import type { Kysely } from 'kysely';
import { listIn } from '../../config/crm.ts';
import type { RapportConfig } from '../../config/schema.ts';
import type { FormDefinition } from '../../core/forms/define-form.ts';
import { confirmByLink, consentShown, recordConsent, mailConfirmationLink, type ConsentShown } from '../../core/forms/double-opt-in.ts';
import { endpointForm, type FormEndpoint } from '../../core/forms/endpoint.ts';
import { collects, emailAddress, optionalLine, tokenField } from '../../core/forms/fields.ts';
import { composeMail } from '../../core/mail/compose.ts';
import { mailFooter } from '../../core/mail/identity.ts';
import { joined, mailTranslator } from '../../core/mail/mail-language.ts';
import { enqueueMail } from '../../core/mail/outbox.ts';
import { greeting } from '../../core/mail/unsolicited.ts';
import type { Services } from '../../core/services.ts';
import { upsertContact } from '../../core/store/contacts.ts';
import type { Database } from '../../core/store/schema.ts';
import { recordActivity } from '../../core/store/timeline.ts';
import { fieldMessage, translator } from '../../i18n/translate.ts';
import { listMailLinks } from './list-links.ts';

export const SUBSCRIBE_CONFIRM = 'subscribe-confirm';

/** What the confirmation token carries: everything the consent ledger must record when it is used. */
interface PendingConsent extends Omit<ConsentShown, 'language'> {
  lists: string[];
  /** The language the wording was shown in (absent in tokens issued before languages were recorded). */
  language?: string;
  source: string;
}

const listIds = (config: RapportConfig) => config.crm.lists.map((l) => l.id) as [string, ...string[]];

/** The sign-up form; `locale` words the lists as a page in it shows them (the default locale's unless told). */
export const subscribeForm = (config: RapportConfig, locale: string = config.site.locale) =>
  ({
    id: 'subscribe',
    version: 1,
    action: '/subscribe',
    purpose: 'newsletter',
    schema: z.strictObject({
      email: emailAddress(),
      name: optionalLine(fieldMessage('signup.name.label'), 100, 'identity', 'name'),
      lists: z
        .array(z.enum(listIds(config), { message: fieldMessage('signup.lists.invalid') }))
        .min(1, fieldMessage('signup.lists.missing'))
        .max(20)
        .meta({ title: fieldMessage('signup.lists.label'), ...collects('preferences', { as: fieldMessage('privacy.field.lists') }) }),
    }),
    options: { lists: config.crm.lists.map((l) => listIn(l, locale)).map((l) => ({ value: l.id, label: l.label, description: l.description })) },
    defaults: { lists: [config.crm.lists[0]!.id] },
    // Catalogue texts: a French page shows them in French, and the ledger hashes what it showed.
    submit: fieldMessage('signup.submit'),
    consent: fieldMessage('signup.consent', { site: config.site.name }),
  }) satisfies FormDefinition;

/**
 * `/subscribe`: double opt-in. Records the sign-up as pending and mails a confirmation link.
 * The answer is the same whether the address is new, pending or already subscribed; an address
 * already confirmed for every list gets no mail, and one address gets at most one confirmation
 * mail per window (the per-address limit), however many times the form is sent.
 */
export const subscribeEndpoint: FormEndpoint<ReturnType<typeof subscribeForm>['schema']> = {
  path: '/subscribe',
  decoy: '/subscribe/check-your-inbox',
  localized: true,
  form: (config) => subscribeForm(config),
  // The short sign-up on the archive, the issues and the home page (NewsletterSignup.astro): a
  // sign-up only asks for a confirmation mail, and those are limited per address and per IP.
  drawnOnStaticPages: true,
  async handle(data, s, request) {
    // The definition built once per options (its key and wording hash too), not once per sign-up.
    const form = endpointForm(subscribeEndpoint, s);
    const shown = translator(s.config.site, request.locale);
    await s.db.transaction().execute(async (trx) => {
      const contact = await upsertContact(trx, { email: data.email, name: data.name ?? '', language: shown.locale }, s.clock);
      const now = s.clock().toISOString();
      // One upsert for every list ticked: a list already confirmed is left as it is and not
      // returned, so what comes back is what this sign-up still has to confirm.
      const rows = data.lists.map((list) => ({
        contact_id: contact.id,
        list,
        status: 'pending' as const,
        created_at: now,
        confirmed_at: null,
        updated_at: now,
      }));
      const pendingLists = new Set(
        (
          await trx
            .insertInto('list_subscriptions')
            .values([...new Map(rows.map((row) => [row.list, row])).values()])
            .onConflict((oc) =>
              oc.columns(['contact_id', 'list']).doUpdateSet({ status: 'pending', updated_at: now }).where('list_subscriptions.status', '<>', 'confirmed'),
            )
            .returning('list')
            .execute()
        ).map((r) => r.list),
      );
      const wanted = [...new Set(data.lists)].filter((l) => pendingLists.has(l));
      if (wanted.length === 0) return;
      const pending: PendingConsent = { lists: wanted, ...consentShown(form, shown, s), source: 'web:/subscribe' };
      const site = s.config.site.name;
      await mailConfirmationLink(trx, s, {
        contact,
        language: contact.language,
        limitKey: 'confirm',
        purpose: SUBSCRIBE_CONFIRM,
        payload: pending,
        confirmPath: '/subscribe/confirm',
        words: (say) => {
          const names = s.config.crm.lists.filter((l) => wanted.includes(l.id)).map((l) => listIn(l, say.locale).label);
          return {
            subject: say('mail.subscribe.subject', { site }),
            paragraphs: [say('mail.subscribe.text', { lists: joined(say, names), site })],
            action: say('mail.subscribe.action'),
            after: [say('mail.subscribe.ignore', { hours: s.config.crm.signupExpiryHours })],
            why: say('mail.subscribe.why'),
          };
        },
      });
    });
    return { kind: 'redirect', location: '/subscribe/check-your-inbox' };
  },
};

export const confirmForm = () =>
  ({
    id: 'subscribe-confirm',
    version: 1,
    action: '/subscribe/confirm',
    purpose: 'newsletter',
    schema: z.strictObject({ token: tokenField() }),
    submit: fieldMessage('signup.confirm.submit'),
    traps: false,
  }) satisfies FormDefinition;

/** `/subscribe/confirm`: the button on the page the confirmation link opens. */
export const confirmEndpoint: FormEndpoint<ReturnType<typeof confirmForm>['schema']> = {
  path: '/subscribe/confirm',
  decoy: '/subscribe/confirmed',
  localized: true,
  form: confirmForm,
  handle: confirmByLink<PendingConsent>({
    form: 'subscribe-confirm',
    purpose: SUBSCRIBE_CONFIRM,
    confirmed: '/subscribe/confirmed',
    activate: async (trx, s, contactId, pending) => {
      await confirmLists(trx, s, contactId, pending);
      return true;
    },
  }),
};

async function confirmLists(trx: Kysely<Database>, s: Services, contactId: string, pending: PendingConsent) {
  const now = s.clock().toISOString();
  const contact = await trx.selectFrom('contacts').select(['email', 'name', 'language']).where('id', '=', contactId).executeTakeFirstOrThrow();
  for (const list of pending.lists) {
    await trx
      .insertInto('list_subscriptions')
      .values({ contact_id: contactId, list, status: 'confirmed', created_at: now, confirmed_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['contact_id', 'list']).doUpdateSet({ status: 'confirmed', confirmed_at: now, updated_at: now }))
      .execute();
    await recordConsent(trx, s, contactId, `newsletter:${list}`, { ...pending, language: pending.language ?? s.config.site.locale }, pending.source);
  }
  const chosen = s.config.crm.lists.filter((l) => pending.lists.includes(l.id));
  await recordActivity(
    trx,
    { contactId, type: 'subscribed', summary: `Subscribed to ${chosen.map((l) => l.label).join(', ')}`, data: { lists: pending.lists } },
    now,
  );
  const say = mailTranslator(s.config.site, contact);
  const names = chosen.map((l) => listIn(l, say.locale).label);
  const links = await listMailLinks(trx, s, contactId, pending.lists[0]!, say);
  await enqueueMail(
    trx,
    composeMail(
      {
        to: contact.email,
        subject: say('mail.subscribed.subject', { lists: joined(say, names) }),
        greeting: greeting('confirmed', contact.name, say),
        paragraphs: [say('mail.subscribed.text', { lists: joined(say, names), site: s.config.site.name })],
        after: [say('mail.subscribed.preferences', { url: links.preferences })],
        footer: mailFooter(s.config, say('mail.subscribed.why')),
        unsubscribeUrl: links.unsubscribe,
        accent: s.config.site.accentColor,
      },
      say,
    ),
    s.clock,
  );
}
